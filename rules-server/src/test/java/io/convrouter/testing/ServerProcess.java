package io.convrouter.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The routing server as a separate JVM, on the test's own classpath, so a test can kill it the
 * hard way ({@link #kill()} is SIGKILL on Linux) and start it again on the same data.
 */
public final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final int port;
    private final JsonHttp http;

    private ServerProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.http = new JsonHttp("http://127.0.0.1:" + port);
    }

    /**
     * Starts {@code RoutingServerApplication} with the given Spring arguments plus a free
     * {@code --server.port}, in the test's working directory, its output going to {@code log}.
     */
    public static ServerProcess start(Path log, String... args) {
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Surefire runs tests from a manifest-only jar; this property holds the real classpath.
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:TieredStopAtLevel=1",
                "-cp", classpath, "io.convrouter.app.RoutingServerApplication", "--server.port=" + port));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command)
                    .directory(new File(System.getProperty("user.dir")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            return new ServerProcess(p, log, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until {@code /actuator/health} answers UP; fails with the server's output if it dies or never does. */
    public ServerProcess awaitHealthy(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the server exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                JsonHttp.Response r = http.get("/actuator/health");
                if (r.status() == 200 && "UP".equals(r.text("status"))) {
                    return this;
                }
            } catch (UncheckedIOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the server did not become healthy within " + limit + ":\n" + output());
    }

    public JsonHttp http() {
        return http;
    }

    public int port() {
        return port;
    }

    /** SIGKILL: no shutdown hooks, no flushing, no clean close of the data file. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public String output() {
        try {
            String all = Files.readString(log);
            return all.length() > 20_000 ? all.substring(all.length() - 20_000) : all;
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
