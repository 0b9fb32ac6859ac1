package dev.opaquepop.server;

/** {@link AccountSuite} against the embedded deployment. */
class EmbeddedAccountTest extends AccountSuite {
    @Override
    Deployment newDeployment() {
        return Deployment.embedded();
    }
}
