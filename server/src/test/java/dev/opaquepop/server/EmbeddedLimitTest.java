package dev.opaquepop.server;

/** {@link LimitSuite} against the embedded deployment. */
class EmbeddedLimitTest extends LimitSuite {
    @Override
    Deployment newDeployment() {
        return Deployment.embedded();
    }
}
