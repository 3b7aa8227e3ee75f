// The language before the first paint (a classic script in each demo page's <head>): ?lang=,
// then the last choice on any demo page (demo-lang.mjs saves it), else English.
try {
  document.documentElement.lang = [new URLSearchParams(location.search).get('lang'), localStorage.getItem('cc-demo-lang')].find((l) => l === 'en' || l === 'zh-CN') ?? 'en';
} catch {
  // Storage blocked: English.
}
