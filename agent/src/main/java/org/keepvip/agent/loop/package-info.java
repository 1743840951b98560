/**
 * The event loop and what it owns: the one thread that feeds every instance's state machine
 * ({@code EventLoop}, its deadline heap and read sockets), each instance's runtime and the hook
 * lanes that carry out its slow actions in order, and {@code Ports}, the narrow interfaces through
 * which loop and lanes reach the outside world. Nothing here opens a socket or a library itself.
 */
package org.keepvip.agent.loop;
