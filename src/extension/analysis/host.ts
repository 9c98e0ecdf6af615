/**
 * One host for the editor's document analyses (the .vmx lint, the backup diagnostics, and any
 * analyzer filed later): it watches open documents, debounces edits, parses a .vmx at most once per
 * document version (core/vmx/document.ts) and hands that model to every registered analyzer, each of
 * which publishes into its own DiagnosticCollection. The language features (hover, completion,
 * outline, quick fixes) read the same parsed model through `documents`.
 *
 * A new analyzer: `host.register({ id, collection, languages, analyze })` from the feature's
 * register function; `analyze` gets `{ document, version, vmx() }` and returns its diagnostics
 * (or undefined to leave the collection as it is). Results for a version that is no longer the
 * document's are dropped: the run for the newer version publishes.
 */
import * as vscode from 'vscode';
import { VmxDocument } from '../../core/vmx/document';
import { log } from '../log';

/** Read-only views of another document (diff editors, SCM): their problems belong to the original. */
const SKIPPED_SCHEMES = new Set(['git', 'gitfs', 'output', 'vscode-scm']);
/** Quiet time after an edit before the analyzers run again. */
export const ANALYSIS_DEBOUNCE_MS = 200;

/** Parsed VmxDocuments, one per open editor document, re-parsed only when the version changes. */
export class VmxDocumentCache implements vscode.Disposable {
  private readonly docs = new Map<string, { version: number; doc: VmxDocument }>();
  private readonly parseCounts = new Map<string, number>();
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.workspace.onDidCloseTextDocument((d) => {
      this.docs.delete(d.uri.toString());
      this.parseCounts.delete(d.uri.toString());
    });
  }

  get(document: vscode.TextDocument): VmxDocument {
    const key = document.uri.toString();
    const hit = this.docs.get(key);
    if (hit && hit.version === document.version) return hit.doc;
    const doc = VmxDocument.fromText(document.getText());
    this.docs.set(key, { version: document.version, doc });
    this.parseCounts.set(key, (this.parseCounts.get(key) ?? 0) + 1);
    return doc;
  }

  /** For tests: how many times the open document `uri` was parsed since it was opened. */
  parses(uri: vscode.Uri | string): number {
    return this.parseCounts.get(uri.toString()) ?? 0;
  }

  dispose(): void {
    this.subscription.dispose();
    this.docs.clear();
    this.parseCounts.clear();
  }
}

/** What an analyzer is given: one version of a document and its parsed model. */
export interface AnalysisInput {
  readonly document: vscode.TextDocument;
  readonly version: number;
  /** The parsed .vmx of this version (parsed on first use, shared by every analyzer). */
  vmx(): VmxDocument;
}

export interface DocumentAnalyzer {
  /** A short tag for the log ("vmx", "backup"); also how `refresh` names one analyzer. */
  readonly id: string;
  /** The name of its DiagnosticCollection. */
  readonly collection: string;
  /** Language ids it analyzes. */
  readonly languages: readonly string[];
  /** Diagnostics for `input`, or undefined to leave the published ones alone. */
  analyze(input: AnalysisInput): Promise<vscode.Diagnostic[] | undefined>;
  /** The document closed: drop what was kept for it. */
  forget?(uri: vscode.Uri): void;
}

interface Registered {
  readonly analyzer: DocumentAnalyzer;
  readonly diagnostics: vscode.DiagnosticCollection;
}

export class AnalysisHost implements vscode.Disposable {
  readonly documents = new VmxDocumentCache();
  private readonly analyzers: Registered[] = [];
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.disposables.push(
      this.documents,
      vscode.workspace.onDidOpenTextDocument((d) => void this.run(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d)),
    );
  }

  /** Adds an analyzer and runs it over the documents already open. */
  register(analyzer: DocumentAnalyzer): vscode.Disposable {
    const r: Registered = { analyzer, diagnostics: vscode.languages.createDiagnosticCollection(analyzer.collection) };
    this.analyzers.push(r);
    for (const d of vscode.workspace.textDocuments) void this.run(d, [r]);
    return new vscode.Disposable(() => {
      const i = this.analyzers.indexOf(r);
      if (i >= 0) this.analyzers.splice(i, 1);
      r.diagnostics.dispose();
    });
  }

  /** Runs the analyzers for `document` now (only the one named `id`, when given); tests await it. */
  async refresh(document: vscode.TextDocument, id?: string): Promise<void> {
    await this.run(document, id === undefined ? undefined : this.analyzers.filter((r) => r.analyzer.id === id));
  }

  private schedule(document: vscode.TextDocument): void {
    if (!this.wanted(document).length) return;
    const key = document.uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      void this.run(document);
    }, ANALYSIS_DEBOUNCE_MS));
  }

  private wanted(document: vscode.TextDocument, among: readonly Registered[] = this.analyzers): Registered[] {
    if (SKIPPED_SCHEMES.has(document.uri.scheme)) return [];
    return among.filter((r) => r.analyzer.languages.includes(document.languageId));
  }

  private async run(document: vscode.TextDocument, among?: readonly Registered[]): Promise<void> {
    const todo = this.wanted(document, among);
    if (!todo.length || document.isClosed) return;
    const version = document.version;
    const input: AnalysisInput = { document, version, vmx: () => this.documents.get(document) };
    await Promise.all(todo.map(async ({ analyzer, diagnostics }) => {
      try {
        const out = await analyzer.analyze(input);
        // a newer version is on its way (or the document closed): let that run publish
        if (out === undefined || document.isClosed || document.version !== version) return;
        if (this.analyzers.some((r) => r.diagnostics === diagnostics)) diagnostics.set(document.uri, out);
      } catch (e) {
        log().error(`[${analyzer.id}] analysis failed for ${document.uri.toString()}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      }
    }));
  }

  private clear(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
    for (const { analyzer, diagnostics } of this.analyzers) {
      analyzer.forget?.(document.uri);
      diagnostics.delete(document.uri);
    }
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const r of this.analyzers.splice(0)) r.diagnostics.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
