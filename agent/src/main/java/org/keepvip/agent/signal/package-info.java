/**
 * Process lifecycle glue: signals to events ({@link org.keepvip.agent.signal.SignalHandlers}),
 * the SIGUSR1/SIGUSR2 dumps ({@link org.keepvip.agent.signal.DumpWriter}, default
 * {@code /tmp/keepvip.data} and {@code /tmp/keepvip.stats}), and systemd readiness
 * ({@link org.keepvip.agent.signal.SdNotify}, for {@code Type=notify}).
 */
package org.keepvip.agent.signal;
