// The demo pages' links and language switch (English / 中文), one copy for every page.
const NAV_TEXTS = {
  './': { en: 'Home', 'zh-CN': '首页' },
  './agent.html?agent=1001': { en: 'Agent 1001', 'zh-CN': '坐席 1001' },
  './agent.html?agent=1002': { en: 'Agent 1002', 'zh-CN': '坐席 1002' },
  './customers.html': { en: 'Customers', 'zh-CN': '客户面板' },
  './supervisor.html': { en: 'Supervisor', 'zh-CN': '班长席' },
};
/**
 * Shows the page in the language the head script picked, and again on every choice in the
 * header's select, which is remembered for all demo pages (localStorage 'cc-demo-lang').
 */
export function setUpLanguage(render) {
  const select = document.querySelector('.demo-lang');
  const nav = document.querySelector('.demo-nav');
  const apply = (lang) => {
    document.documentElement.lang = lang;
    select.value = lang;
    select.setAttribute('aria-label', lang === 'zh-CN' ? '语言' : 'Language');
    nav.setAttribute('aria-label', lang === 'zh-CN' ? '演示页面' : 'Demo pages');
    for (const a of nav.querySelectorAll('a')) a.textContent = NAV_TEXTS[a.getAttribute('href')]?.[lang] ?? a.textContent;
    render(lang);
    try {
      localStorage.setItem('cc-demo-lang', lang);
    } catch {
      // Storage blocked: the choice holds for this page only.
    }
    // A ?lang= in the address wins on reload: keep it in step with the choice.
    const url = new URL(location.href);
    if (url.searchParams.has('lang') && url.searchParams.get('lang') !== lang) {
      url.searchParams.set('lang', lang);
      history.replaceState(history.state, '', url);
    }
  };
  select.addEventListener('change', () => apply(select.value));
  apply(document.documentElement.lang === 'zh-CN' ? 'zh-CN' : 'en');
}
