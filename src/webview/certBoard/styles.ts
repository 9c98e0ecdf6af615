/** The Certificates board's styles (on top of media/webview.css), adopted as a constructed sheet. */
export const css = `
header { position: sticky; top: 0; z-index: 3; background: var(--vscode-editor-background); padding: 4px 0 8px;
  border-bottom: 1px solid var(--vscode-panel-border, transparent); }
h1 { display: flex; align-items: center; gap: 10px; margin: 10px 0 2px; }
h1 .codicon { font-size: 1.1em; color: var(--vscode-textLink-foreground); }
h1 .conn { font-size: 0.6em; font-weight: normal; }
.subtitle { margin: 0 0 6px; }
.toolbar { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.toolbar vscode-single-select { width: 180px; }
.toolbar .sep { flex: 0 0 12px; }
.small { font-size: 0.88em; }
.nowrap { white-space: nowrap; }
table.board { border-collapse: collapse; width: 100%; margin-top: 8px; }
table.board th { text-align: left; font-weight: 600; font-size: 0.85em; color: var(--vscode-descriptionForeground); padding: 4px 8px 4px 0;
  border-bottom: 1px solid var(--vscode-widget-border, transparent); }
table.board td { padding: 6px 8px 6px 0; vertical-align: top; border-top: 1px solid var(--vscode-widget-border, rgba(128,128,128,.2)); }
table.board td.num { text-align: right; white-space: nowrap; }
tr.lvl-row-critical td:first-child, tr.lvl-row-expired td:first-child { box-shadow: inset 3px 0 0 var(--vscode-problemsErrorIcon-foreground); }
tr.lvl-row-warning td:first-child { box-shadow: inset 3px 0 0 var(--vscode-problemsWarningIcon-foreground); }
tr.lvl-row-notice td:first-child { box-shadow: inset 3px 0 0 var(--vscode-charts-blue, #3794ff); }
tr.has-error td:first-child { box-shadow: inset 3px 0 0 var(--vscode-errorForeground); }
td:first-child { padding-left: 8px; }
.name { display: flex; align-items: center; gap: 4px; }
.days { display: inline-block; font-variant-numeric: tabular-nums; font-weight: 600; font-size: 0.85em; padding: 1px 8px; border-radius: 10px; border: 1px solid currentColor; white-space: nowrap; }
.lvl-ok { color: var(--vscode-testing-iconPassed, #73c991); }
.lvl-notice { color: var(--vscode-charts-blue, #3794ff); }
.lvl-warning { color: var(--vscode-problemsWarningIcon-foreground, #d18616); }
.lvl-critical, .lvl-expired { color: var(--vscode-problemsErrorIcon-foreground, #f14c4c); }
.lvl-expired { background: color-mix(in srgb, var(--vscode-problemsErrorIcon-foreground, #f14c4c) 18%, transparent); }
.lvl-unknown { color: var(--vscode-descriptionForeground); }
.chain { font-size: 0.85em; color: var(--vscode-descriptionForeground); margin-top: 2px; }
.sha { font-size: 0.85em; }
.rot { font-size: 0.9em; }
.rot-new .codicon { color: var(--vscode-testing-iconPassed, #73c991); }
.rot-old .codicon, .rot-other .codicon { color: var(--vscode-problemsWarningIcon-foreground); }
.rot-failed .codicon { color: var(--vscode-problemsErrorIcon-foreground); }
.legend .days { margin-right: 2px; }
.flash { color: var(--vscode-testing-iconPassed, #73c991); }
#progress { display: flex; align-items: center; gap: 8px; }
vscode-progress-ring { width: 16px; height: 16px; }
`;
