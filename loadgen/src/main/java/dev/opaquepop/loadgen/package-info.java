/**
 * The load generator, {@code opaque-pop bench}: an executable of its own (built by this module, run by {@code
 * bin/opaque-pop bench}), so that the server's executable carries neither it nor its statistics libraries.
 *
 * <p>Entry points are the picocli commands: {@link dev.opaquepop.loadgen.BenchCommand} and its subcommands {@link
 * dev.opaquepop.loadgen.LoginsCommand}, {@link dev.opaquepop.loadgen.CallsCommand}, {@link
 * dev.opaquepop.loadgen.ColdstartCommand}, {@link dev.opaquepop.loadgen.EnumerationCommand}, {@link
 * dev.opaquepop.loadgen.GatewayCommand} and {@link dev.opaquepop.loadgen.SummarizeCommand}. Everything else is
 * package-private machinery shared by them: option mixins ({@code ServerOptions}, {@code ScheduleOptions}, {@code
 * LoadOptions}), the run and its scheduler, CPU clocks read from {@code /proc}, typed result records written and
 * read by one {@code ResultsJson}, and the markdown, CSV and PNG writers. Nothing here is an API.
 */
package dev.opaquepop.loadgen;
