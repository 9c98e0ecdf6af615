/** The panel's own styles (on top of media/webview.css), adopted as a constructed style sheet. */
export const css = `
header { position: sticky; top: 0; z-index: 2; background: var(--vscode-editor-background); padding: 8px 0 10px;
  border-bottom: 1px solid var(--vscode-panel-border, transparent); }
.title-row { display: flex; align-items: center; justify-content: space-between; gap: 16px; }
h1 { margin: 6px 0 2px; display: flex; align-items: center; gap: 8px; }
h1 .codicon { font-size: 1.1em; color: var(--vscode-textLink-foreground); }
h2 { display: flex; align-items: center; gap: 6px; margin-top: 22px; }
h4 { margin: 12px 0 4px; font-size: 0.85em; text-transform: uppercase; letter-spacing: 0.04em; color: var(--vscode-descriptionForeground); font-weight: 600; }
.subtitle { margin: 2px 0 8px; }
.actions { margin-top: 6px; }
.created-on { margin: 10px 0 4px; padding: 6px 10px; border-left: 3px solid var(--vscode-textLink-foreground);
  background: var(--vscode-sideBar-background, transparent); }
.created-on label { display: inline-flex; align-items: center; gap: 4px; font-weight: 600; }
.created-on vscode-single-select { min-width: 190px; }
.summary { display: flex; gap: 14px; font-size: 1.05em; }
.sum { display: inline-flex; align-items: center; gap: 4px; }
.count { display: inline-block; min-width: 18px; padding: 0 6px; border-radius: 9px; text-align: center; font-size: 0.85em;
  background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
.power { display: inline-flex; align-items: center; gap: 3px; }
.power-poweredOn { color: var(--vscode-testing-iconPassed); }
.finding { display: block; margin: 6px 0; border-left: 3px solid transparent; border-radius: 2px;
  background: var(--vscode-sideBar-background, transparent); }
.finding > summary { display: flex; align-items: center; gap: 8px; padding: 5px 10px; cursor: pointer; list-style: none;
  user-select: none; }
.finding > summary::-webkit-details-marker { display: none; }
.finding > summary::before { content: '\\eab6'; font-family: codicon; font-size: 14px; color: var(--vscode-icon-foreground); }
.finding[open] > summary::before { content: '\\eab4'; }
.finding > summary:hover { background: var(--vscode-list-hoverBackground); }
.finding > summary:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
.finding-title { font-weight: 600; flex: 0 1 auto; }
.finding-vm { font-size: 0.92em; }
.finding > summary .pill { margin-left: auto; }
.sev-border-error { border-left-color: var(--vscode-problemsErrorIcon-foreground); }
.sev-border-warning { border-left-color: var(--vscode-problemsWarningIcon-foreground); }
.sev-border-info { border-left-color: var(--vscode-problemsInfoIcon-foreground); }
.finding-body { padding: 4px 14px 12px; }
.explanation { max-width: 90ch; }
.pill { display: inline-flex; align-items: center; gap: 2px; font-size: 0.85em; padding: 0 6px; border-radius: 8px;
  background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
ul.evidence, ul.fixes, ul.resolved { list-style: none; padding: 0; margin: 4px 0; }
ul.sources { margin: 4px 0; padding-left: 18px; font-size: 0.92em; }
.table-wrap { overflow-x: auto; }
.ev { display: grid; grid-template-columns: 18px max-content 1fr; gap: 8px; align-items: baseline; padding: 2px 0; }
.ev-text { overflow-wrap: anywhere; }
.ev-path { color: var(--vscode-symbolIcon-propertyForeground, var(--vscode-foreground)); }
.fix { display: flex; align-items: center; gap: 10px; flex-wrap: wrap; margin: 6px 0; }
.fix-manual { align-items: baseline; }
.fix-note { font-size: 0.92em; }
.rule-id { margin-top: 10px; font-size: 0.85em; }
.resolved li { padding: 2px 0; }
.resolved s { color: var(--vscode-descriptionForeground); }
.all-clear { margin: 16px 0; font-size: 1.1em; display: flex; align-items: center; gap: 6px; }
.flash { margin: 10px 0; padding: 6px 10px; border-radius: 4px; display: flex; gap: 6px; align-items: center; }
.flash-ok { background: var(--vscode-inputValidation-infoBackground, transparent); border: 1px solid var(--vscode-inputValidation-infoBorder, var(--vscode-testing-iconPassed)); }
.flash-bad { background: var(--vscode-inputValidation-warningBackground, transparent); border: 1px solid var(--vscode-inputValidation-warningBorder, var(--vscode-problemsWarningIcon-foreground)); }
.files { margin: 14px 0 4px; gap: 8px; }
.chip { display: inline-flex; align-items: center; gap: 2px; padding: 2px 4px 2px 8px; border-radius: 10px;
  border: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, rgba(128,128,128,.35))); }
.chip-remove { display: inline-flex; margin-left: 4px; color: var(--vscode-descriptionForeground); text-decoration: none; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; font-size: 0.95em; }
th { text-align: left; font-weight: 600; color: var(--vscode-descriptionForeground); padding: 4px 8px;
  border-bottom: 1px solid var(--vscode-panel-border, rgba(128,128,128,.35)); white-space: nowrap; }
td { padding: 4px 8px; border-bottom: 1px solid var(--vscode-panel-border, rgba(128,128,128,.15)); vertical-align: top; }
tbody tr:hover { background: var(--vscode-list-hoverBackground); }
.num { text-align: right; }
.nowrap { white-space: nowrap; }
td.hot { color: var(--vscode-problemsErrorIcon-foreground); font-weight: 600; }
.track-col { width: 28%; min-width: 160px; }
.track { position: relative; height: 12px; margin-top: 3px; background: var(--vscode-editorWidget-background, rgba(128,128,128,.12)); border-radius: 3px; }
.bar { position: absolute; top: 0; bottom: 0; border-radius: 3px; }
.bar-completed { background: var(--vscode-testing-iconPassed); }
.bar-incomplete { background: var(--vscode-problemsWarningIcon-foreground); }
.bar-failed { background: var(--vscode-problemsErrorIcon-foreground); }
.bar-terminated-at-stop-time { background: var(--vscode-charts-purple, #b180d7); }
.bar-running { background: var(--vscode-progressBar-background); opacity: .6; }
.axis { display: flex; justify-content: space-between; font-size: 0.85em; margin: -4px 0 8px auto; width: 28%; min-width: 160px; }
.outcome { display: inline-flex; align-items: center; gap: 3px; white-space: nowrap; }
.outcome-completed { color: var(--vscode-testing-iconPassed); }
.outcome-incomplete { color: var(--vscode-problemsWarningIcon-foreground); }
.outcome-failed { color: var(--vscode-problemsErrorIcon-foreground); }
.outcome-terminated-at-stop-time { color: var(--vscode-charts-purple, #b180d7); }
.code { font-weight: 600; }
table.vms, table.errors { width: auto; min-width: 60%; }
table.vms td, table.vms th { padding-left: 14px; padding-right: 14px; }
.job-name { font-weight: 600; }
`;
