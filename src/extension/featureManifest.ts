/**
 * What activation registers as stubs for the features bundle (./deferred.ts, ./features.ts): the
 * manifest's commands and tools come from package.json at run time; what it cannot say is here.
 * test/unit/foundation/startup.test.ts fails when a feature registers a panel serializer or a command
 * that has no stub (it would exist only once the features happen to be loaded).
 */

/** Panels that restore after a reload (their view types: each feature's panel definition). */
export const PANEL_VIEW_TYPES: readonly string[] = [
  'vsphereLab.certWizard', 'vsphereLab.certificates', 'vsphereLab.memory', 'vsphereLab.backupReadiness',
  'vsphereLab.backupDiagnostics', 'vsphereLab.events',
];

/** Commands the manifest does not contribute (called by code actions and scripts). */
export const HIDDEN_COMMANDS: readonly string[] = ['vsphereLab.vmx.reopenWithEncoding'];

/** Commands of the startup bundle itself (no stub). */
export const STARTUP_COMMANDS: readonly string[] = ['vsphereLab.showLog'];

/** Languages whose documents load the features when one opens (.vmx language features, the backup diagnostics). */
export const FEATURE_LANGUAGES: readonly string[] = ['vmx', 'vdr-log'];
