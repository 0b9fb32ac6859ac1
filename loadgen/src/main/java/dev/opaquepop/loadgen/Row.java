package dev.opaquepop.loadgen;

import java.util.OptionalDouble;

/**
 * One line of the results: one server, one operation, one concurrency level.
 *
 * @param floorMicros the operation's arithmetic floor on the server, when it has one (logins)
 */
record Row(String target, String operation, int concurrency, Measurement measurement, OptionalDouble floorMicros) {
    /** Server CPU per operation divided by the arithmetic floor. */
    OptionalDouble cpuOverFloor() {
        OptionalDouble cpu = measurement.serverCpuPerOpMicros();
        return cpu.isPresent() && floorMicros.isPresent() && floorMicros.getAsDouble() > 0
                ? OptionalDouble.of(cpu.getAsDouble() / floorMicros.getAsDouble())
                : OptionalDouble.empty();
    }
}
