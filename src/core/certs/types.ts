/**
 * Plain data shapes shared by the certificate core, the `vlab cert` commands and (later) the
 * certificate wizard's webview. Everything here is JSON-serialisable and this module has no
 * runtime imports, so the extension and webviews may import it eagerly; the modules that do the
 * work (x509, inspect, request, verify, files) load node-forge and are meant to be imported lazily.
 */

export type Severity = 'error' | 'warning' | 'info';

/** One problem found in a certificate or chain, written for an administrator. */
export interface Finding {
  /** Stable identifier, e.g. 'key-too-small', 'hostname-mismatch'. */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** Index into the chain (0 = leaf) the finding is about, when it is about one certificate. */
  readonly certIndex?: number;
}

export interface DistinguishedNameAttribute {
  /** Short name when known (CN, O, OU, L, ST, C, E, DC…), else the dotted OID. */
  readonly name: string;
  readonly oid: string;
  readonly value: string;
}

export interface DistinguishedName {
  /** Attributes in the order they appear in the certificate. */
  readonly attributes: readonly DistinguishedNameAttribute[];
  /** One-line rendering, most significant last as OpenSSL prints it: `C=US, O=Lab, CN=esx01`. */
  readonly text: string;
  readonly commonName?: string;
}

export type KeyType = 'rsa' | 'ec' | 'dsa' | 'ed25519' | 'ed448' | 'rsa-pss' | 'unknown';

export interface PublicKeyInfo {
  readonly type: KeyType;
  /** RSA / DSA modulus size; EC: field size of the curve (256 for P-256). */
  readonly bits?: number;
  /** EC curve name as OpenSSL names it (prime256v1, secp384r1…). */
  readonly curve?: string;
}

export interface SignatureAlgorithmInfo {
  readonly oid: string;
  /** e.g. sha256WithRSAEncryption, sha1WithRSAEncryption, md5WithRSAEncryption, ecdsa-with-SHA256. */
  readonly name: string;
  /** Digest family, lower case ('md5', 'sha1', 'sha256'…), when known. */
  readonly hash?: string;
}

export interface SubjectAltNames {
  readonly dns: readonly string[];
  /** Normalised text form (IPv4 dotted, IPv6 compressed lower case). */
  readonly ip: readonly string[];
  readonly email: readonly string[];
  readonly uri: readonly string[];
}

export interface CertificateInfo {
  readonly subject: DistinguishedName;
  readonly issuer: DistinguishedName;
  /** Hex, upper case, no separators. */
  readonly serialNumber: string;
  readonly version: number;
  /** ISO 8601. */
  readonly notBefore: string;
  readonly notAfter: string;
  readonly publicKey: PublicKeyInfo;
  readonly signatureAlgorithm: SignatureAlgorithmInfo;
  /** `AA:BB:…` upper case. */
  readonly sha256Thumbprint: string;
  readonly sha1Thumbprint: string;
  /** The subject-alternative-name extension is present (even if empty). */
  readonly hasSubjectAltName: boolean;
  readonly subjectAltNames: SubjectAltNames;
  /** Issuer name equals subject name and the certificate's own key verifies its signature. */
  readonly isSelfSigned: boolean;
  /** basicConstraints cA=TRUE. */
  readonly isCA: boolean;
  readonly pathLenConstraint?: number;
  /** keyUsage bit names (digitalSignature, keyEncipherment, dataEncipherment, keyCertSign…); undefined = extension absent. */
  readonly keyUsage?: readonly string[];
  /** extendedKeyUsage names (serverAuth, clientAuth…) or OIDs; undefined = extension absent. */
  readonly extendedKeyUsage?: readonly string[];
  /** The certificate in PEM (so a wizard can hand it back without keeping DER around). */
  readonly pem: string;
}

/** Result of {@link inspectEndpoint}. */
export interface EndpointInspection {
  readonly host: string;
  readonly port: number;
  readonly servername?: string;
  /** The name the certificate is checked against (servername, else host). */
  readonly checkedName: string;
  readonly protocol?: string;
  readonly cipher?: string;
  /** Leaf first, then each issuer the server's chain (or the local trust store) provided. */
  readonly chain: readonly (CertificateInfo & { readonly inSystemTrustStore: boolean })[];
  /** Would a client verifying against the system CAs (and the host name) accept the endpoint? */
  readonly trust: { readonly authorized: boolean; readonly error?: string };
  readonly findings: readonly Finding[];
  /** ISO time the check was made. */
  readonly checkedAt: string;
}

/** How to get a CSR signed by a Microsoft Windows CA (what `microsoftCaInstructions` in request.ts returns). */
export interface MicrosoftCaInstructions {
  /** The single command to submit the CSR with certreq. */
  readonly submitCommand: string;
  /** Variant with a SAN request attribute, when sanAttribute was given. */
  readonly submitWithSanCommand?: string;
  /** What to do if the request is held pending (certreq -retrieve / certutil). */
  readonly pendingSteps: readonly string[];
  /** Numbered steps for the web enrollment pages. */
  readonly webEnrollmentSteps: readonly string[];
  readonly notes: readonly string[];
}
