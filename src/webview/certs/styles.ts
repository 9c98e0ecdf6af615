/** Styles of the certificate wizard: theme variables only. */
export const css = `
.wizard { display: grid; grid-template-columns: 210px minmax(0, 1fr); gap: 24px; max-width: 1180px; }
header.top { grid-column: 1 / -1; display: flex; align-items: baseline; justify-content: space-between; flex-wrap: wrap; gap: 8px 24px; border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent)); padding-bottom: 10px; }
header.top h1 { margin: 14px 0 2px; }
header.top .sub { color: var(--vscode-descriptionForeground); }
nav.steps ol { list-style: none; margin: 8px 0 0; padding: 0; display: flex; flex-direction: column; gap: 2px; position: sticky; top: 8px; }
nav.steps button {
  all: unset; box-sizing: border-box; width: 100%; display: grid; grid-template-columns: 26px 1fr; align-items: center; gap: 2px 8px;
  padding: 7px 8px; border-radius: 4px; cursor: pointer; color: var(--vscode-foreground);
}
nav.steps button:hover { background: var(--vscode-list-hoverBackground); }
nav.steps button[aria-current="step"] { background: var(--vscode-list-activeSelectionBackground); color: var(--vscode-list-activeSelectionForeground); }
nav.steps button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
nav.steps .num {
  grid-row: span 2; width: 22px; height: 22px; border-radius: 50%; display: inline-flex; align-items: center; justify-content: center;
  border: 1px solid var(--vscode-descriptionForeground); font-size: 11px; font-weight: 600;
}
nav.steps .num.done { background: var(--vscode-testing-iconPassed); border-color: var(--vscode-testing-iconPassed); color: var(--vscode-editor-background); }
nav.steps .num.problem { background: var(--vscode-problemsWarningIcon-foreground); border-color: var(--vscode-problemsWarningIcon-foreground); color: var(--vscode-editor-background); }
nav.steps .name { font-weight: 600; }
nav.steps .state { font-size: 0.85em; opacity: 0.8; }
section.step h2 { margin-top: 16px; display: flex; align-items: center; gap: 8px; }
section.step > p.intro { color: var(--vscode-descriptionForeground); margin-bottom: 12px; }
.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 5px 18px; margin: 8px 0 12px; }
.facts dt { color: var(--vscode-descriptionForeground); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.thumb { font-family: var(--vscode-editor-font-family); font-size: 0.92em; overflow-wrap: anywhere; }
ul.findings, ul.checks, ul.progress, ul.files { list-style: none; padding: 0; margin: 6px 0; }
ul.findings li, ul.checks li { display: grid; grid-template-columns: 20px minmax(0, 1fr); gap: 2px 8px; padding: 6px 8px; border-left: 3px solid transparent; margin: 4px 0; background: var(--vscode-textCodeBlock-background); border-radius: 0 3px 3px 0; }
li.f-error, li.st-fail { border-left-color: var(--vscode-problemsErrorIcon-foreground) !important; }
li.f-warning, li.st-warn { border-left-color: var(--vscode-problemsWarningIcon-foreground) !important; }
li.f-info { border-left-color: var(--vscode-problemsInfoIcon-foreground) !important; }
li.st-pass { border-left-color: var(--vscode-testing-iconPassed) !important; }
.ico-error { color: var(--vscode-problemsErrorIcon-foreground); }
.ico-warning { color: var(--vscode-problemsWarningIcon-foreground); }
.ico-info { color: var(--vscode-problemsInfoIcon-foreground); }
.ico-ok { color: var(--vscode-testing-iconPassed); }
.ico-muted { color: var(--vscode-descriptionForeground); }
.sevtag { font-size: 0.8em; font-weight: 600; text-transform: uppercase; letter-spacing: 0.03em; margin-right: 6px; }
ul.checks .title { font-weight: 600; }
ul.checks ul.details { margin: 4px 0 0; padding-left: 18px; }
.form { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 10px 16px; margin: 8px 0 12px; }
.form .wide { grid-column: 1 / -1; }
.label { font-size: 0.92em; color: var(--vscode-descriptionForeground); }
vscode-textfield, vscode-single-select, vscode-textarea { width: 100%; }
.actions { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin: 12px 0; }
ul.progress li { display: grid; grid-template-columns: 20px minmax(0, 1fr) auto; gap: 2px 8px; padding: 3px 4px; align-items: start; }
ul.progress li .detail { grid-column: 2 / 4; white-space: pre-wrap; font-family: var(--vscode-editor-font-family); font-size: 0.9em; color: var(--vscode-descriptionForeground); }
ul.progress li.st-failed .detail { color: var(--vscode-errorForeground); }
ul.progress li .ms { color: var(--vscode-descriptionForeground); font-size: 0.9em; }
h3.phase { margin: 10px 0 2px; font-size: 0.95em; color: var(--vscode-descriptionForeground); text-transform: uppercase; letter-spacing: 0.04em; }
ol.plain { padding-left: 20px; }
ol.plain li { margin: 3px 0; }
ol.checklist { padding-left: 22px; }
ol.checklist li { margin: 10px 0; }
ol.checklist .src { font-size: 0.88em; color: var(--vscode-descriptionForeground); }
.keyline { display: grid; grid-template-columns: 20px minmax(0, 1fr); gap: 8px; align-items: start; margin-bottom: 4px; }
.actions .spacer { flex: 1; }
vscode-textarea { font-family: var(--vscode-editor-font-family); }
.hostkey { padding: 10px 12px; border-radius: 4px; background: var(--vscode-textCodeBlock-background); margin: 8px 0; }
.chainlist { margin: 0; padding-left: 18px; }
.segmented { display: inline-flex; border: 1px solid var(--vscode-button-border, var(--vscode-contrastBorder, var(--vscode-panel-border))); border-radius: 4px; overflow: hidden; }
.segmented button { all: unset; padding: 4px 12px; cursor: pointer; color: var(--vscode-foreground); }
.segmented button[aria-pressed="true"] { background: var(--vscode-button-background); color: var(--vscode-button-foreground); }
.segmented button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
details.more summary { cursor: pointer; color: var(--vscode-textLink-foreground); margin: 6px 0; }
.spin { animation: spin 1.2s linear infinite; display: inline-block; }
@keyframes spin { to { transform: rotate(360deg); } }
@media (max-width: 760px) { .wizard { grid-template-columns: 1fr; } nav.steps ol { flex-direction: row; flex-wrap: wrap; position: static; } }
.route-note { display: flex; gap: 8px; align-items: flex-start; padding: 8px 10px; margin: 8px 0; border-left: 3px solid var(--vscode-textLink-foreground); background: var(--vscode-textBlockQuote-background); }
`;
