/** The readiness matrix's own styles (on top of media/webview.css), adopted as a constructed style sheet. */
export const css = `
header { position: sticky; top: 0; z-index: 3; background: var(--vscode-editor-background); padding: 6px 0 8px;
  border-bottom: 1px solid var(--vscode-panel-border, transparent); }
h1 { margin: 4px 0; display: flex; align-items: center; gap: 8px; font-size: 1.3em; }
.toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin: 6px 0; }
.toolbar input[type=search] { min-width: 220px; padding: 3px 6px; color: var(--vscode-input-foreground);
  background: var(--vscode-input-background); border: 1px solid var(--vscode-input-border, transparent); }
.toolbar input[type=number] { width: 48px; padding: 3px 4px; color: var(--vscode-input-foreground); background: var(--vscode-input-background);
  border: 1px solid var(--vscode-input-border, transparent); }
.summary { color: var(--vscode-descriptionForeground); }
.matrix-wrap { overflow: auto; max-height: 62vh; border: 1px solid var(--vscode-panel-border, transparent); }
table.matrix { border-collapse: collapse; font-size: 0.92em; }
table.matrix th, table.matrix td { border-bottom: 1px solid var(--vscode-panel-border, rgba(128,128,128,.2)); padding: 3px 6px; white-space: nowrap; }
table.matrix thead th { position: sticky; top: 0; background: var(--vscode-editorWidget-background, var(--vscode-editor-background)); z-index: 2; cursor: pointer; vertical-align: bottom; }
table.matrix thead th.rule { writing-mode: vertical-rl; transform: rotate(180deg); text-align: left; max-height: 150px; font-weight: 600; }
table.matrix thead th .n { display: inline-block; margin-top: 4px; padding: 0 5px; border-radius: 8px; font-size: 0.85em;
  background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); writing-mode: horizontal-tb; transform: rotate(180deg); }
table.matrix thead th.sorted { color: var(--vscode-textLink-foreground); }
table.matrix td.vm { font-weight: 600; } table.matrix td.path { color: var(--vscode-descriptionForeground); }
td.cell { text-align: center; cursor: pointer; min-width: 22px; }
td.cell.sev-error { background: color-mix(in srgb, var(--vscode-problemsErrorIcon-foreground) 35%, transparent); }
td.cell.sev-warning { background: color-mix(in srgb, var(--vscode-problemsWarningIcon-foreground) 30%, transparent); }
td.cell.sev-info { background: color-mix(in srgb, var(--vscode-problemsInfoIcon-foreground) 22%, transparent); }
td.cell.open { outline: 2px solid var(--vscode-focusBorder); outline-offset: -2px; }
.sev-error .codicon { color: var(--vscode-problemsErrorIcon-foreground); }
.sev-warning .codicon { color: var(--vscode-problemsWarningIcon-foreground); }
.sev-info .codicon { color: var(--vscode-problemsInfoIcon-foreground); }
tr.selected td { background-color: var(--vscode-list-inactiveSelectionBackground); }
.detail { margin: 10px 0; padding: 8px 12px; border-left: 3px solid var(--vscode-textLink-foreground); background: var(--vscode-sideBar-background, transparent); }
.detail h3 { margin: 2px 0 6px; display: flex; gap: 6px; align-items: center; }
.detail .ev { font-family: var(--vscode-editor-font-family); font-size: 0.9em; }
.detail a { cursor: pointer; }
.muted { color: var(--vscode-descriptionForeground); } .small { font-size: 0.88em; }
.fixbar { margin: 8px 0; padding: 6px 10px; border: 1px solid var(--vscode-panel-border, transparent); }
.steps { list-style: none; padding: 0; margin: 6px 0; }
.steps li { display: flex; gap: 8px; align-items: center; padding: 2px 0; }
.state-fixed { color: var(--vscode-testing-iconPassed); } .state-failed, .state-stillFound { color: var(--vscode-problemsErrorIcon-foreground); }
.state-skipped, .state-cancelled { color: var(--vscode-problemsWarningIcon-foreground); }
`;
