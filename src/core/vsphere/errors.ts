/**
 * Typed errors of the vSphere client. Every message says what failed and what to do. They are
 * `LabError`s (src/core/errors.ts); their `code`s are published in the CLI's JSON, so they stay as
 * they are. A cancelled call raises the one `CancelledError` of src/core/errors.ts.
 */
import { LabError } from '../errors';
import type { CertificateDescription } from './certificate';
import type { MoRef, VimObject } from './decode';

/** Stable codes of the vSphere client's errors (the CLI's JSON `error.code`). */
export type VsphereErrorCode =
  | 'vimFault' | 'invalidLogin' | 'noPermission' | 'notAuthenticated' | 'objectNotFound' | 'invalidArgument'
  | 'invalidState' | 'taskFailed' | 'taskGone' | 'network' | 'timeout' | 'notFound' | 'http'
  | 'untrustedCertificate' | 'certificateChanged' | 'protocol' | 'badUrl' | 'closed'
  | 'noSessionManager' | 'noViewManager' | 'noPerfManager' | 'noBrowser' | 'unknownCounter'
  | 'tooLarge' | 'paging' | 'badPath';

export class VsphereError extends LabError {
  declare readonly code: VsphereErrorCode;
  constructor(code: VsphereErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'VsphereError';
  }
}

/** A SOAP fault returned by the server. `faultType` is the vim fault type (e.g. 'InvalidLogin'). */
export class VimFaultError extends VsphereError {
  constructor(
    readonly faultType: string,
    message: string,
    readonly serverMessage: string,
    readonly detail: VimObject | undefined,
    code: VsphereErrorCode = 'vimFault',
  ) {
    super(code, message);
    this.name = 'VimFaultError';
  }
}

export class InvalidLoginError extends VimFaultError {
  constructor(server: string, serverMessage: string, detail?: VimObject) {
    super('InvalidLogin', `Login to ${server} failed: the user name or password is incorrect. Check the credentials and try again.`, serverMessage, detail, 'invalidLogin');
    this.name = 'InvalidLoginError';
  }
}

export class NoPermissionError extends VimFaultError {
  constructor(what: string, serverMessage: string, detail?: VimObject) {
    const priv = typeof detail?.privilegeId === 'string' ? ` (missing privilege ${detail.privilegeId})` : '';
    super('NoPermission', `${what} was refused: the user has no permission${priv}. Ask an administrator for the role, or connect as another user.`, serverMessage, detail, 'noPermission');
    this.name = 'NoPermissionError';
  }
}

export class NotAuthenticatedError extends VimFaultError {
  constructor(what: string, serverMessage: string, detail?: VimObject) {
    super('NotAuthenticated', `${what} failed: the session is not authenticated or has expired. Reconnect to log in again.`, serverMessage, detail, 'notAuthenticated');
    this.name = 'NotAuthenticatedError';
  }
}

export class ManagedObjectNotFoundError extends VimFaultError {
  constructor(what: string, serverMessage: string, detail?: VimObject) {
    const obj = detail?.obj as MoRef | undefined;
    const which = obj && typeof obj === 'object' && 'value' in obj ? ` ${obj.type}:${obj.value}` : '';
    super('ManagedObjectNotFound', `${what} failed: the object${which} no longer exists. Refresh the inventory.`, serverMessage, detail, 'objectNotFound');
    this.name = 'ManagedObjectNotFoundError';
  }
}

export class InvalidArgumentError extends VimFaultError {
  constructor(what: string, serverMessage: string, detail?: VimObject) {
    const prop = typeof detail?.invalidProperty === 'string' ? ` (${detail.invalidProperty})` : '';
    super('InvalidArgument', `${what} failed: the server rejected an argument${prop}${serverMessage ? `: ${serverMessage}` : ''}. Check the values passed.`, serverMessage, detail, 'invalidArgument');
    this.name = 'InvalidArgumentError';
  }
}

export class InvalidStateError extends VimFaultError {
  constructor(faultType: string, what: string, serverMessage: string, detail?: VimObject) {
    const state = typeof detail?.existingState === 'string' ? ` (current state: ${detail.existingState})` : '';
    super(faultType, `${what} failed: the object is not in a state that allows it${state}${serverMessage ? `: ${serverMessage}` : ''}. Change its state first (e.g. power it off) and retry.`, serverMessage, detail, 'invalidState');
    this.name = 'InvalidStateError';
  }
}

/** A task that ended in error; `message` carries the task's localized message. */
export class TaskError extends VsphereError {
  constructor(readonly task: MoRef, readonly taskName: string, readonly faultType: string, readonly localizedMessage: string) {
    super('taskFailed', `Task ${taskName} failed${faultType ? ` (${faultType})` : ''}: ${localizedMessage || 'no message from the server'}.`);
    this.name = 'TaskError';
  }
}

export class ConnectionError extends VsphereError {
  constructor(readonly target: string, readonly sysCode: string, cause?: unknown) {
    const hint = sysCode === 'ECONNREFUSED'
      ? 'nothing is listening there. Check the address and port, and that the service is running.'
      : sysCode === 'ENOTFOUND' || sysCode === 'EAI_AGAIN'
        ? 'the host name does not resolve. Check the address.'
        : sysCode === 'ECONNRESET' || sysCode === 'EPIPE'
          ? 'the connection was reset by the server. Retry; if it persists check the server and any proxy.'
          : `network error ${sysCode}. Check connectivity to the server.`;
    super('network', `Connection to ${target} failed: ${hint}`, { cause });
    this.name = 'ConnectionError';
  }
}

export class TimeoutError extends VsphereError {
  /**
   * `ms` is a wall-clock deadline for the whole exchange (connect, TLS handshake, request, every
   * byte of the response), not an idle timer: a server that trickles bytes is stopped too.
   */
  constructor(readonly target: string, readonly what: string, readonly ms: number) {
    super('timeout', `${what} on ${target} timed out after ${ms} ms (the deadline for the whole request, not an idle timer). Check that the server is reachable and not overloaded, or raise the timeout (vlab --timeout SECONDS).`);
    this.name = 'TimeoutError';
  }
}

/** A response body larger than the connection's cap; stopped while it streamed in, before it filled memory. */
export class ResponseTooLargeError extends VsphereError {
  constructor(readonly target: string, readonly what: string, readonly limitBytes: number) {
    const mb = Math.round(limitBytes / 1048576);
    super('tooLarge', `${what} on ${target} was stopped: the response is larger than ${mb} MB (the cap for one response). Narrow the request, or raise the cap (setting vsphereLab.network.maxResponseMB, vlab --max-response-mb MB).`);
    this.name = 'ResponseTooLargeError';
  }
}

/** Paging that does not end: a continuation token seen twice, or more pages/objects than the caps allow. */
export class PagingError extends VsphereError {
  constructor(readonly target: string, readonly what: string, detail: string) {
    super('paging', `${what} on ${target} was stopped: ${detail}. The server's paging does not end; check the server, or retrieve a smaller part of the inventory.`);
    this.name = 'PagingError';
  }
}

/** HTTP-level failure outside SOAP (datastore files, unexpected status). */
export class HttpStatusError extends VsphereError {
  constructor(readonly status: number, what: string, hint: string) {
    super(status === 404 ? 'notFound' : status === 401 || status === 403 ? 'noPermission' : 'http', `${what} failed with HTTP ${status}. ${hint}`);
    this.name = 'HttpStatusError';
  }
}

/** The server's certificate is not trusted by the system CAs (self-signed, unknown issuer, expired…). */
export class UntrustedCertificateError extends VsphereError {
  constructor(readonly target: string, readonly reason: string, readonly certificate: CertificateDescription | undefined) {
    const tp = certificate ? ` Its SHA-256 thumbprint is ${certificate.sha256}.` : '';
    super('untrustedCertificate', `The certificate of ${target} is not trusted (${reason}).${tp} Verify the thumbprint out of band and pin it, or install the issuing CA.`);
    this.name = 'UntrustedCertificateError';
  }
}

/** The pinned thumbprint no longer matches what the server presents. */
export class CertificateChangedError extends VsphereError {
  constructor(readonly target: string, readonly expectedSha256: string, readonly actualSha256: string, readonly certificate: CertificateDescription | undefined) {
    super('certificateChanged', `The certificate of ${target} changed: expected SHA-256 ${expectedSha256}, got ${actualSha256}. The connection was stopped; if the change is expected (certificate replaced), review the new certificate and pin it again.`);
    this.name = 'CertificateChangedError';
  }
}

export class ProtocolError extends VsphereError {
  constructor(target: string, what: string, detail: string) {
    super('protocol', `${what} on ${target} returned an unexpected response: ${detail}. Check that the URL points to a vCenter or ESXi SDK endpoint (…/sdk).`);
    this.name = 'ProtocolError';
  }
}

/** Maps a SOAP fault to a typed error. `what` names the operation ("PowerOffVM_Task on vm-42"). */
export function faultToError(faultType: string, serverMessage: string, detail: VimObject | undefined, what: string, server: string): VimFaultError {
  switch (faultType) {
    case 'InvalidLogin':
      return new InvalidLoginError(server, serverMessage, detail);
    case 'NotAuthenticated':
      return new NotAuthenticatedError(what, serverMessage, detail);
    case 'NoPermission':
      return new NoPermissionError(what, serverMessage, detail);
    case 'ManagedObjectNotFound':
      return new ManagedObjectNotFoundError(what, serverMessage, detail);
    case 'InvalidArgument': case 'InvalidRequest': case 'InvalidType': case 'InvalidProperty':
      return new InvalidArgumentError(what, serverMessage, detail);
    case 'InvalidState': case 'InvalidPowerState': case 'InvalidHostState': case 'InvalidVmState':
    case 'TaskInProgress': case 'ToolsUnavailable': case 'InvalidDatastoreState': case 'HostNotConnected':
      return new InvalidStateError(faultType, what, serverMessage, detail);
    default:
      return new VimFaultError(faultType, `${what} failed (${faultType})${serverMessage ? `: ${serverMessage}` : ''}.`, serverMessage, detail);
  }
}
