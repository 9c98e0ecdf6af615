import * as vscode from 'vscode';

/**
 * The wizard's UI strings, localised here (the webview has no l10n API): the panel definition's
 * `strings`, sent with `init` and read with `t()` in the webview; the host's own messages use them too.
 */
export function uiStrings(): Record<string, string> {
  return { ...commonStrings(), ...inspectStrings(), ...requestStrings(), ...importVerifyStrings(), ...filesStrings(), ...deployStrings() };
}

/** The frame of the wizard: title, target, step names and states, shared words. */
function commonStrings(): Record<string, string> {
  return {
    title: vscode.l10n.t('Replace the certificate of {0}'),
    connection: vscode.l10n.t('Connection: {0}'),
    targetEsx: vscode.l10n.t('ESX(i) host'),
    targetVcenter: vscode.l10n.t('vCenter Server (Windows)'),
    step1: vscode.l10n.t('Inspect'),
    step2: vscode.l10n.t('Request'),
    step3: vscode.l10n.t('Import & verify'),
    step4: vscode.l10n.t('Files'),
    step5esx: vscode.l10n.t('Deploy over SSH'),
    step5vc: vscode.l10n.t('vCenter checklist'),
    stepDone: vscode.l10n.t('done'),
    stepTodo: vscode.l10n.t('to do'),
    stepProblem: vscode.l10n.t('needs attention'),
    error: vscode.l10n.t('Error'),
    next: vscode.l10n.t('Next'),
  };
}

/** Step 1. */
function inspectStrings(): Record<string, string> {
  return {
    inspectIntro: vscode.l10n.t('What the host serves right now.'),
    reinspect: vscode.l10n.t('Inspect Again'),
    inspecting: vscode.l10n.t('Connecting…'),
    subject: vscode.l10n.t('Subject'),
    sans: vscode.l10n.t('Alternative names'),
    issuer: vscode.l10n.t('Issuer'),
    validity: vscode.l10n.t('Valid'),
    key: vscode.l10n.t('Key'),
    signature: vscode.l10n.t('Signature'),
    chain: vscode.l10n.t('Chain'),
    trusted: vscode.l10n.t('Trusted by this machine'),
    yes: vscode.l10n.t('yes'),
    no: vscode.l10n.t('no'),
    none: vscode.l10n.t('(none)'),
    findings: vscode.l10n.t('Findings'),
    noFindings: vscode.l10n.t('No findings: the certificate looks good.'),
    selfSigned: vscode.l10n.t('self-signed'),
  };
}

/** Step 2. */
function requestStrings(): Record<string, string> {
  return {
    requestIntro: vscode.l10n.t('Generate a new private key and a certificate signing request (CSR) for your CA.'),
    keySize: vscode.l10n.t('Key size'),
    cn: vscode.l10n.t('Common name (FQDN)'),
    sanList: vscode.l10n.t('Subject alternative names (DNS names and IP addresses, comma separated)'),
    o: vscode.l10n.t('Organisation (O)'),
    ou: vscode.l10n.t('Unit (OU)'),
    l: vscode.l10n.t('City (L)'),
    st: vscode.l10n.t('State (ST)'),
    c: vscode.l10n.t('Country (C, two letters)'),
    keyStore: vscode.l10n.t('Keep the private key in'),
    keySecret: vscode.l10n.t('VS Code secret storage'),
    keyFile: vscode.l10n.t('A file I choose (mode 600)'),
    generate: vscode.l10n.t('Generate Key and CSR'),
    regenerate: vscode.l10n.t('Generate a New Key and CSR'),
    generating: vscode.l10n.t('Generating…'),
    csr: vscode.l10n.t('Certificate signing request'),
    keyIn: vscode.l10n.t('Private key: {0}'),
    keyInSecret: vscode.l10n.t('in VS Code secret storage'),
    keyMissing: vscode.l10n.t('The private key is no longer available: generate a new key and CSR.'),
    template: vscode.l10n.t('Certificate template'),
    certreq: vscode.l10n.t('Submit with certreq on a machine of the domain'),
    certreqSan: vscode.l10n.t('If the CA drops the SANs (and allows SAN attributes)'),
    webEnrollment: vscode.l10n.t('Or use the web enrolment pages'),
    pending: vscode.l10n.t('If the request is held pending'),
    notes: vscode.l10n.t('Notes'),
  };
}

/** Step 3. */
function importVerifyStrings(): Record<string, string> {
  return {
    importIntro: vscode.l10n.t('Paste or pick the signed certificate and the CA chain (PEM, DER or .p7b).'),
    certificate: vscode.l10n.t('Signed certificate'),
    caChain: vscode.l10n.t('CA chain (optional when the .p7b holds it)'),
    pick: vscode.l10n.t('Pick File…'),
    pasteHere: vscode.l10n.t('…or paste PEM text here'),
    verify: vscode.l10n.t('Import and Verify'),
    verifying: vscode.l10n.t('Checking…'),
    readyToDeploy: vscode.l10n.t('Ready to deploy.'),
    notReady: vscode.l10n.t('Not ready: fix the failed checks first.'),
    needRequest: vscode.l10n.t('Generate the key and CSR first (step 2).'),
    needImport: vscode.l10n.t('Import and verify the signed certificate first (step 3).'),
    'check.key-match': vscode.l10n.t('Matches the private key'),
    'check.chain': vscode.l10n.t('Chains to a root CA'),
    'check.names': vscode.l10n.t('Covers the host names'),
    'check.validity': vscode.l10n.t('Valid now'),
    'check.usage': vscode.l10n.t('Usable by a TLS server'),
    'check.key-size': vscode.l10n.t('Key size'),
    'check.signature': vscode.l10n.t('Signature digest'),
  };
}

/** Step 4. */
function filesStrings(): Record<string, string> {
  return {
    filesIntro: vscode.l10n.t('Write the files for ESX(i) (rui.crt, rui.key) and vCenter Server (rui.crt, rui.key, rui.pfx, CA chain) to a folder.'),
    pfxPassword: vscode.l10n.t('PFX password (vCenter expects testpassword)'),
    writeFiles: vscode.l10n.t('Write Files to a Folder…'),
    written: vscode.l10n.t('Written to {0}'),
  };
}

/** Step 5: deploy over SSH, or the vCenter checklist. */
function deployStrings(): Record<string, string> {
  return {
    deployIntro: vscode.l10n.t('Back up the host\'s current files, install the new ones, restart the management agent and check the host serves the new certificate. Any failure restores the backup.'),
    sshHost: vscode.l10n.t('SSH host'),
    sshPort: vscode.l10n.t('Port'),
    sshUser: vscode.l10n.t('User'),
    sshPassword: vscode.l10n.t('Password'),
    passwordStored: vscode.l10n.t('(stored — leave empty to use it)'),
    savePassword: vscode.l10n.t('Remember the password in secret storage'),
    forgetPassword: vscode.l10n.t('Forget Stored Password'),
    checkHostKey: vscode.l10n.t('Check Host Key'),
    hostKeyUnknown: vscode.l10n.t('First connection: the host presents this SSH key. Compare it with the key on the host\'s console before pinning it.'),
    hostKeyPinned: vscode.l10n.t('Host key pinned and matching.'),
    hostKeyChanged: vscode.l10n.t('The host key has CHANGED since it was pinned. Do not continue unless the host was reinstalled.'),
    pin: vscode.l10n.t('Pin This Key'),
    deploy: vscode.l10n.t('Deploy and Restart Management Agent'),
    deploying: vscode.l10n.t('Deploying…'),
    deployOk: vscode.l10n.t('The host now serves the new certificate.'),
    deployFailed: vscode.l10n.t('The deploy failed.'),
    rolledBack: vscode.l10n.t('Rolled back: the previous certificate is served again.'),
    rollbackIncomplete: vscode.l10n.t('The rollback did not bring the previous certificate back; see the steps.'),
    pinUpdated: vscode.l10n.t('The connection now trusts the new certificate (pinned SHA-256 updated).'),
    phase_prepare: vscode.l10n.t('Preparation'),
    phase_deploy: vscode.l10n.t('Deploy'),
    phase_rollback: vscode.l10n.t('Rollback'),
    checklistIntro: vscode.l10n.t('vCenter Server on Windows is changed by hand, in this order. The files come from step 4.'),
    newThumb: vscode.l10n.t('New certificate SHA-256'),
    liveThumb: vscode.l10n.t('Served now'),
    routeNoConnection: vscode.l10n.t("No inventory connection reaches it, so its API cannot be used (add one to use it)."),
    routeNeedsConnection: vscode.l10n.t("This route needs an inventory connection (with its password) that reaches the server."),
    keyOnHostMatch: vscode.l10n.t("The certificate carries the public key of the CSR the host generated (its key stays on the host)."),
    keyOnHostMismatch: vscode.l10n.t("The certificate does not carry the public key of the CSR the host generated: it was issued for another request."),
    routeTitle: vscode.l10n.t("Route: {0}"),
    'route_ssh-hostd': vscode.l10n.t("SSH (rui.crt, hostd restarted)"),
    'route_ssh-rhttpproxy': vscode.l10n.t("SSH (rui.crt, hostd and rhttpproxy restarted)"),
    'route_host-api': vscode.l10n.t("API (HostCertificateManager)"),
    'route_vcsa-rest': vscode.l10n.t("Appliance TLS REST API"),
    'route_vcsa-vecs': vscode.l10n.t("Appliance vecs-cli over SSH"),
    'route_windows-checklist': vscode.l10n.t("Checklist (vCenter on Windows)"),
    csrOnHostIntro: vscode.l10n.t("The host generates the key and the CSR itself (HostCertificateManager): the private key never leaves the host."),
    hostCsr: vscode.l10n.t("Generate the CSR on the Host"),
    useIpCn: vscode.l10n.t("Use the management IP as CN"),
    keyOnHost: vscode.l10n.t("on the host"),
    deployApiIntro: vscode.l10n.t("Install the certificate through the server's API, then prove by a TLS handshake that it serves it. Any failure puts the previous certificate back."),
    deployApi: vscode.l10n.t("Deploy Through the API"),
    'step5route': vscode.l10n.t("Deploy"),
  };
}
