/**
 * The {@code opaque-pop} executable's commands (picocli): {@link dev.opaquepop.cli.Main} dispatches to the server
 * ({@code ServerCommand}, every option mapped onto the config builders with defaults from {@code Defaults}), the
 * client commands (register, login, call, sessions, passwd, logout, ..., over the client SDK, with the client
 * policy options), {@code demo}, {@code setup} and {@code forget-server}; {@code bench} hands over to the load
 * generator's own executable. Nothing here is an API: the command line is (README.md, "Command line").
 */
package dev.opaquepop.cli;
