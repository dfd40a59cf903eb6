package io.convrouter.dispatch;

import java.util.ArrayList;
import java.util.List;

/** What one dispatcher step did: conversations assigned or offered, and everything else worth logging. */
public record Dispatched(List<Assignment> assignments, List<DispatchNote> notes) {

    public static Dispatched none() {
        return new Dispatched(List.of(), List.of());
    }

    public Dispatched plus(Dispatched other) {
        List<Assignment> a = new ArrayList<>(assignments);
        a.addAll(other.assignments());
        List<DispatchNote> n = new ArrayList<>(notes);
        n.addAll(other.notes());
        return new Dispatched(a, n);
    }

    public boolean isEmpty() {
        return assignments.isEmpty() && notes.isEmpty();
    }
}
