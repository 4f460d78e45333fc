import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.ApplicationParameter;

/**
 * Deploys a WAR on embedded Tomcat (run with the Tomcat version's jars on the class path, as a source file:
 * {@code java -cp 'target/containers/tomcat-11/*' src/test/containers/TomcatWar.java WAR CONTEXT WORKDIR NAME=VALUE...}),
 * prints {@code listening on port N} and runs until its standard input closes (its test ended) or 10 minutes pass.
 * The parameters go in as Tomcat's context.xml {@code <Parameter override="false">} would.
 */
public class TomcatWar {
    public static void main(String[] args) throws Exception {
        Path work = Files.createDirectories(Path.of(args[2]));
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(work.toString());
        Connector c = new Connector();
        c.setPort(0);
        c.setProperty("address", "127.0.0.1");
        tomcat.setConnector(c);
        tomcat.getHost().setAppBase(Files.createDirectories(work.resolve("webapps")).toString());
        Context ctx = tomcat.addWebapp(args[1], args[0]);
        ((org.apache.tomcat.util.scan.StandardJarScanner) ctx.getJarScanner()).setScanClassPath(false);
        for (int i = 3; i < args.length; i++) {
            ApplicationParameter p = new ApplicationParameter();
            p.setName(args[i].substring(0, args[i].indexOf('=')));
            p.setValue(args[i].substring(args[i].indexOf('=') + 1));
            p.setOverride(false);
            ctx.addApplicationParameter(p);
        }
        tomcat.start();
        if (!ctx.getState().isAvailable()) {
            System.err.println("the web application did not start: " + ctx.getState());
            System.exit(1);
        }
        System.out.println("listening on port " + tomcat.getConnector().getLocalPort() + " ("
                + org.apache.catalina.util.ServerInfo.getServerInfo() + ", servlet " + ctx.getServletContext().getMajorVersion()
                + "." + ctx.getServletContext().getMinorVersion() + ")");
        System.out.flush();
        untilStdinClosesOrTenMinutes();
        tomcat.stop();
        tomcat.destroy();
        System.exit(0);
    }

    /** Returns when the test closes this process's standard input (or dies), or after 10 minutes at the latest. */
    static void untilStdinClosesOrTenMinutes() throws InterruptedException {
        Thread reader = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the test writes nothing: wait for end of input
                }
            } catch (java.io.IOException e) {
                // closed
            }
        }, "stdin");
        reader.setDaemon(true);
        reader.start();
        reader.join(600_000);
    }
}
