package dev.opaquepop.server;

/** {@link RegistrationAndLoginSuite} against the embedded deployment. */
class EmbeddedRegistrationAndLoginTest extends RegistrationAndLoginSuite {
    @Override
    Deployment newDeployment() {
        return Deployment.embedded();
    }
}
