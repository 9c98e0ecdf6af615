/** The memory panel's styles (on top of media/webview.css and uPlot's), adopted as a constructed sheet. */
export const css = `
header { position: sticky; top: 0; z-index: 3; background: var(--vscode-editor-background); padding: 4px 0 8px;
  border-bottom: 1px solid var(--vscode-panel-border, transparent); }
h1 { display: flex; align-items: center; gap: 10px; margin: 10px 0 2px; }
h1 .codicon { font-size: 1.1em; color: var(--vscode-textLink-foreground); }
h2 { display: flex; align-items: center; gap: 6px; margin: 0 0 8px; font-size: 1.05em; }
h3 { margin: 10px 0 4px; font-size: 0.95em; }
.subtitle { margin: 0 0 6px; }
.toolbar { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.toolbar vscode-single-select { width: 230px; }
.updated { margin-left: auto; font-size: 0.9em; }
.state { display: inline-flex; align-items: center; gap: 4px; font-size: 0.75em; font-weight: 600; padding: 1px 8px; border-radius: 10px;
  text-transform: uppercase; letter-spacing: 0.04em; border: 1px solid currentColor; }
.state-high { color: var(--vscode-testing-iconPassed, #73c991); }
.state-clear { color: var(--vscode-charts-blue, #3794ff); }
.state-soft { color: var(--vscode-charts-orange, #d18616); }
.state-hard, .state-low { color: var(--vscode-charts-red, #f14c4c); }
.state-unknown { color: var(--vscode-descriptionForeground); }
.layout { display: grid; grid-template-columns: minmax(0, 1fr) 360px; gap: 16px; align-items: start; margin-top: 8px; }
@media (max-width: 760px) { .layout { grid-template-columns: minmax(0, 1fr); } .side { order: -1; } }
.side { display: flex; flex-direction: column; gap: 10px; }
.side .card { margin: 0; }
.figures { display: flex; gap: 22px; flex-wrap: wrap; margin: 4px 0 10px; }
.figure-value { font-size: 1.35em; font-weight: 600; }
.figure-label { font-size: 0.85em; }
table { border-collapse: collapse; width: 100%; }
th { text-align: left; font-weight: 600; font-size: 0.85em; color: var(--vscode-descriptionForeground); padding: 2px 8px 2px 0; }
td { padding: 3px 8px 3px 0; vertical-align: top; border-top: 1px solid var(--vscode-widget-border, transparent); }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.vm-table td:first-child { overflow-wrap: anywhere; }
.table-scroll { overflow-x: auto; }
.overhead td:last-child { font-size: 0.9em; }
ol.steps { list-style: none; padding: 0; margin: 6px 0 10px; display: flex; flex-direction: column; gap: 6px; }
.step { border: 1px solid var(--vscode-widget-border, var(--vscode-panel-border, #8884)); border-radius: 4px; padding: 6px 8px; opacity: 0.75; }
.step.active { opacity: 1; border-color: var(--vscode-charts-orange, #d18616); }
.step[data-step="tps"].active { border-color: var(--vscode-testing-iconPassed, #73c991); }
.step[data-step="swap"].active { border-color: var(--vscode-charts-red, #f14c4c); }
.step.next { opacity: 1; border-style: dashed; }
.step-head { display: flex; align-items: center; gap: 6px; }
.step-detail { font-size: 0.88em; margin-top: 4px; }
.tag { font-size: 0.75em; padding: 0 6px; border-radius: 8px; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); margin-left: auto; }
.tags { margin-left: auto; display: flex; gap: 4px; align-items: center; }
.tags .tag { margin-left: 0; }
.step.seen { opacity: 1; }
.tag-seen { background: transparent; border: 1px solid var(--vscode-editorWarning-foreground, #cca700); color: var(--vscode-editorWarning-foreground, #cca700); cursor: help; display: inline-flex; align-items: center; gap: 2px; }
.tag-seen .codicon { font-size: 0.95em; }
.tag-next { background: transparent; border: 1px dashed var(--vscode-descriptionForeground); color: var(--vscode-descriptionForeground); }
.where { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; margin: 6px 0; }
.table-facts p { margin: 4px 0; }
.table-facts details.sources { margin: 4px 0 8px; font-size: 0.9em; }
.table-facts details.sources ul { margin: 4px 0; padding-left: 18px; }
table.states tr.current td { background: var(--vscode-list-inactiveSelectionBackground, #8882); }
.charts { min-width: 0; }
.chart-card { margin: 4px 0 14px; }
.chart-card h3 { margin: 6px 0 2px; }
.small { font-size: 0.85em; font-weight: normal; }
.note { font-size: 0.9em; margin: 4px 0; }
.flash { color: var(--vscode-testing-iconPassed); }
.uplot { font-family: var(--vscode-font-family); color: var(--vscode-foreground); width: 100%; }
.u-legend { font-size: 12px; text-align: left; margin: 2px 0 0 72px; display: block; max-width: calc(100% - 72px); }
.u-legend.u-inline tbody { display: flex; flex-wrap: wrap; gap: 0 10px; }
.u-legend .u-series > * { padding: 1px 4px; }
.u-legend th { font-weight: normal; }
.u-select { background: var(--vscode-editor-selectionBackground, rgba(128,128,128,0.2)); opacity: 0.5; }
.u-cursor-x { border-right-color: var(--vscode-descriptionForeground) !important; }
.u-cursor-y { border-bottom: 0 !important; }
`;
