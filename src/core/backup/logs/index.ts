/**
 * VMware Data Recovery appliance logs: `datarecovery-N.log` (main log) and `vcbAPI-N.log` (VDDK layer).
 *
 * The parts, each in its own file:
 *   types.ts     what the analysis returns (records, job runs, error groups, per-VM outcomes) and its bounds
 *   lines.ts     line shapes and their parsing, timestamps (`TimeContext`), `readLogRecords` (every line)
 *   fastline.ts  the same shapes read from the bytes of a candidate line (the analyzer's fast path)
 *   normalise.ts the grouping key of a message with no code, in one pass (its regex definition beside it)
 *   classify.ts  what a line means: a job event or an error event
 *   runs.ts      the state machine of job runs per VM and error groups (bounded)
 *   analyzer.ts  `LogAnalyzer`: the streaming byte scanner that feeds the above (flat memory)
 *   order.ts     which order files are read in (first timestamps, rotation numbers)
 *   files.ts     the file reader (`analyzeLogFiles`, `peekLogFile`, `readFileChunks`): the only part
 *                that touches the file system
 */
export * from './types';
export { parseLogLine, readLogRecords, TimeContext } from './lines';
export { classifyOutcome, errorEvent, jobEvent, normaliseMessage, vmwareLogEvent, VMWARE_LOG_PATTERNS, type ErrorEvent, type JobEvent } from './classify';
export { LogAnalyzer } from './analyzer';
export { logFileInfoFromHead, orderLogFiles, type LogFileInfo } from './order';
export { analyzeLogFiles, peekLogFile, readFileChunks, type AnalyzeFilesOptions, type AnalyzeProgress } from './files';
