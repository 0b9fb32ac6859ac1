package dev.opaquepop.server;

/** {@link SignedCallSuite} against the embedded deployment. */
class EmbeddedSignedCallTest extends SignedCallSuite {
    @Override
    Deployment newDeployment() {
        return Deployment.embedded();
    }
}
