package io.convrouter.dispatch;

import io.convrouter.agents.Units;
import io.convrouter.workbench.QueueDispatch;
import io.convrouter.workbench.Workbench;

/** How each queue dispatches and what each channel weighs, as the dispatcher reads them. */
public interface DispatchSettings {

    QueueDispatch of(String queue);

    /** Milli-units one conversation on the channel takes of an agent's weighted capacity. */
    int unitsOf(String channel);

    /** Per-queue settings from the workbench; channel weights from channels.yaml. */
    static DispatchSettings from(Workbench workbench) {
        return new DispatchSettings() {
            @Override
            public QueueDispatch of(String queue) {
                return workbench.dispatchOf(queue);
            }

            @Override
            public int unitsOf(String channel) {
                return Units.of(workbench, channel);
            }
        };
    }

    /** Assign at once, no timers, no weighting: the first routing path. */
    DispatchSettings PLAIN = new DispatchSettings() {
        @Override
        public QueueDispatch of(String queue) {
            return QueueDispatch.plain();
        }

        @Override
        public int unitsOf(String channel) {
            return 0;
        }
    };
}
