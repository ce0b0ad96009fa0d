package lineage;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

/**
 * Runs a real, throwaway Neo4j 5 Community server for the Python test suite.
 *
 * <p>Usage: {@code Neo4jLauncher <workdir> [boltPort [pageCacheMiB]]}. Port 0 (the default) lets the
 * kernel pick a free port when Neo4j binds, so parallel test runs never race for one. The page cache
 * defaults to 256 MiB; benchmarks on large graphs ask for more.
 *
 * <p>Protocol with the parent (tests/neo4j_server.py): exactly one line
 * {@code BOLT_URI=bolt://127.0.0.1:<port>} on stdout once Bolt accepts connections;
 * then the server lives until stdin reaches EOF or the JVM gets SIGTERM. Stdin EOF is
 * how a parent that died (even by SIGKILL) still takes its JVM with it.
 */
public final class Neo4jLauncher {
    // Volatile: written by main, read by the shutdown-hook thread.
    private static volatile Neo4j server;

    private Neo4jLauncher() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 3) {
            System.err.println("usage: Neo4jLauncher <workdir> [boltPort [pageCacheMiB]]");
            System.exit(2);
        }
        Path workdir = Paths.get(args[0]).toAbsolutePath();
        int port = args.length >= 2 ? Integer.parseInt(args[1]) : 0;
        long pageCacheMiB = args.length == 3 ? Long.parseLong(args[2]) : 256L;
        Files.createDirectories(workdir);

        // Stdout is the protocol channel: keep Neo4j's own console output off it.
        PrintStream protocol = System.out;
        System.setOut(System.err);

        // Runs on SIGTERM/SIGINT and on the System.exit below alike.
        Runtime.getRuntime().addShutdownHook(new Thread(Neo4jLauncher::shutdown, "neo4j-shutdown"));

        try {
            server = startServer(workdir, port, pageCacheMiB);
        } catch (Throwable e) {
            // Exit outright: threads of a half-started Neo4j would otherwise keep the JVM alive,
            // and the parent would only find out at its timeout.
            e.printStackTrace();
            System.exit(1);
        }

        protocol.println("BOLT_URI=bolt://127.0.0.1:" + server.boltURI().getPort());
        protocol.flush();

        waitForEof(System.in);
        System.exit(0);
    }

    private static Neo4j startServer(Path workdir, int port, long pageCacheMiB) {
        return Neo4jBuilders.newInProcessBuilder(workdir)
                // Auth is off: a test-only server reachable only on loopback, with throwaway data.
                .withConfig(GraphDatabaseSettings.auth_enabled, false)
                // Never phone home from a test run (and this sandbox has no internet anyway).
                .withConfig(GraphDatabaseSettings.udc_enabled, false)
                // The harness defaults to an 8 MiB page cache: a 10k-node benchmark graph then pages
                // from disk on every query and runs ~20x slower than a configured server would.
                .withConfig(GraphDatabaseSettings.pagecache_memory, pageCacheMiB * 1024 * 1024)
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .withConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                // No HTTP/HTTPS: the Python driver only speaks Bolt, and fewer ports mean fewer clashes.
                .withDisabledServer()
                // Netty otherwise idles 5 s per event loop group on shutdown (10 s in all),
                // which each test session would pay; a throwaway server has nothing to drain.
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .build();
    }

    private static void waitForEof(InputStream in) {
        byte[] buf = new byte[256];
        try {
            while (in.read(buf) != -1) {
                // The parent never writes; anything it does send is ignored.
            }
        } catch (IOException e) {
            // A broken stdin means the parent is gone: same as EOF.
        }
    }

    private static void shutdown() {
        Neo4j running = server;
        // Null when the signal came mid-start: the JVM exits anyway, and the data is throwaway.
        if (running != null) {
            running.close();
        }
    }
}
