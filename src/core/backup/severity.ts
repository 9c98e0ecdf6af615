/** How bad a backup finding is. Its own module so the webview can import it without the rules' dependencies. */
export type Severity = 'error' | 'warning' | 'info';
