/**
 * Core names the option an {@link OptionsError} is about by its own option name (`waitMs`,
 * `signfile`, …); the command line calls the same thing by a flag. This is the one place
 * that translates, so every message the CLI prints names a flag the user can type.
 */

/** Core's option names and the flags that set them. */
const FLAGS: Readonly<Record<string, string>> = {
  waitMs: '--wait',
  deadlineMs: '--timeout',
  lockWaitMs: '--lock-wait',
  signfile: '--signfile',
  domains: '-d',
  handleId: 'HANDLE',
  resolve: '--resolve',
  httpPort: '--http-port',
  httpsPort: '--https-port',
  dnsServers: '--dns-server (or ACMAPI_DNS_SERVER)',
};

/** The flag for core's `option`, or `undefined` when the command line has none. */
export function flagForOption(option: string | undefined): string | undefined {
  return option === undefined ? undefined : FLAGS[option];
}
