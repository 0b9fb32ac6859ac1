package dev.opaquepop.server;

/** {@link SessionSuite} against the embedded deployment. */
class EmbeddedSessionTest extends SessionSuite {
    @Override
    Deployment newDeployment() {
        return Deployment.embedded();
    }
}
