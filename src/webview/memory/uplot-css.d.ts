/** esbuild loads .css imports as text (esbuild.mjs). */
declare module 'uplot/dist/uPlot.min.css' {
  const text: string;
  export default text;
}
