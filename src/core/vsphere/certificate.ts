/**
 * A certificate as the trust prompt and the errors describe it (built by tls.ts
 * `describeCertificate`). On its own so that errors.ts can carry one without importing tls.ts,
 * which throws those errors.
 */
export interface CertificateDescription {
  subject: string;
  issuer: string;
  /** 'RSA', 'EC', 'Ed25519'… */
  keyType: string;
  /** Key size in bits (RSA modulus / EC curve size); 0 when unknown. */
  keyBits: number;
  /** EC curve name, when EC. */
  curve?: string;
  /** e.g. 'sha256WithRSAEncryption'. */
  signatureAlgorithm: string;
  validFrom: string;
  validTo: string;
  serialNumber: string;
  subjectAltNames: string[];
  /** `AA:BB:…` upper-case hex. */
  sha256: string;
  sha1: string;
  selfSigned: boolean;
  warnings: string[];
}
