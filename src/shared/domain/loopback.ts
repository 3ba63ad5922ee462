const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]'])

/**
 * Whether a listen address or Host name is this machine only: every spelling of loopback (127.0.0.0/8,
 * localhost, ::1 with or without brackets). The API may be moved between these freely; anything else exposes
 * it to the network and is a decision only the command line or the desktop's own dialog may make.
 */
export const isLoopbackHost = (host: string): boolean =>
  LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
