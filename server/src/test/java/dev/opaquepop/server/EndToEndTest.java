package dev.opaquepop.server;

/** The end-to-end suite against the embedded deployment: SQLite in the data directory, sessions in memory. */
class EndToEndTest extends EndToEndSuite {
    @Override
    void openStorage() {}

    @Override
    void configureStorage(ServerConfig.Builder builder) {}

    @Override
    void closeStorage() {}
}
