/** The lab: real protocol peers for tests, benchmarks and the demo. */
export * from './certs';
export * from './generations';
export * from './vcsim';
export * from './esxi';
export * from './sshd';
export * from './lab';
export * from './hosts';
export * from './demo';
export * from './fixture';
export * from './backup';
