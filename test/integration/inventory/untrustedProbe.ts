/**
 * The connection a workspace declares in the untrusted-workspace test: a pin the workspace chose and
 * a password from an environment variable, pointing at a port where the test counts connections.
 */
export function untrustedProbe(port: number): Record<string, string> {
  return {
    url: `https://127.0.0.1:${port}/sdk`, username: 'root', label: 'workspace-declared',
    thumbprintSha256: Array(32).fill('AB').join(':'), passwordEnv: 'VLAB_UNTRUSTED_PROBE',
  };
}
