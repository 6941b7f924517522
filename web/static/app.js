() => {
  // The chat page's behaviour: one function Gradio runs on load (app.py passes it to launch).
  // A citation marker opens its own answer's source card (unfolding an earlier answer's
  // sources), scrolls to it and flashes it; its title is shown as a preview on focus too.
  document.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('#chat a[href^="#t"], #chat a[href^="#source-"]');
    if (!a) return;
    const card = document.getElementById(a.getAttribute('href').slice(1));
    if (!card) return;
    e.preventDefault();
    const fold = card.closest('details.qa-earlier');
    if (fold) fold.open = true;
    const box = document.getElementById('sources');
    const r = card.getBoundingClientRect();
    if (r.top < 0 || r.top > window.innerHeight - 80) {  // a card already on screen moves nothing
      if (box && box.scrollHeight > box.clientHeight + 2 && getComputedStyle(box).overflowY === 'auto') {
        // desktop: the sources column scrolls by itself, the page and the chat stay where they are
        box.scrollTop += r.top - box.getBoundingClientRect().top - 12;
      } else {
        card.scrollIntoView({block: 'center'});
      }
    }
    card.classList.remove('qa-flash'); void card.offsetWidth; card.classList.add('qa-flash');
    card.setAttribute('tabindex', '-1'); card.focus({preventScroll: true});
  }, true);
  let tip = null;
  const hideTip = () => { if (tip) { tip.remove(); tip = null; } };
  const showTip = (a) => {
    hideTip();
    const text = a.getAttribute('title') || a.dataset.preview;
    if (!text) return;
    a.dataset.preview = text;
    tip = document.createElement('div');
    tip.className = 'qa-preview'; tip.setAttribute('role', 'tooltip'); tip.id = 'qa-preview';
    tip.textContent = text;
    document.body.appendChild(tip);
    const r = a.getBoundingClientRect();
    tip.style.left = Math.max(8, Math.min(r.left, window.innerWidth - tip.offsetWidth - 8)) + 'px';
    tip.style.top = (r.bottom + window.scrollY + 6) + 'px';
    a.setAttribute('aria-describedby', 'qa-preview');
  };
  document.addEventListener('focusin', (e) => {
    const a = e.target.closest && e.target.closest('#chat a[href^="#t"]');
    if (a) showTip(a); else hideTip();
  });
  document.addEventListener('focusout', hideTip);
  // A counter under the question box once the question nears the 1,000-character limit.
  document.addEventListener('input', (e) => {
    const box = e.target;
    if (!box.closest || !box.closest('#question')) return;
    let c = document.getElementById('qa-counter');
    if (!c) {
      c = document.createElement('div');
      c.id = 'qa-counter'; c.className = 'qa-counter'; c.setAttribute('aria-live', 'polite');
      box.closest('#question').appendChild(c);
    }
    const n = box.value.length;
    c.textContent = n >= 800 ? `${n} / 1000 characters` + (n >= 1000 ? ': questions are cut here' : '') : '';
  });
  // The chat's copy buttons copy clean text, not the Markdown behind a reply: markers as
  // [n], no escapes or emphasis marks, the quote in quotation marks, the sources list as is.
  const plainText = (md) => md
    .replace(/\[\\\[(\d+)\\\]\]\(#[^)]*\)/g, '[$1]')
    .replace(/(?<!\\)\[((?:\\[^\n]|[^\]\\\n])*)\]\((https?:[^)\s]*)\)/g, '$1')
    .replace(/^> (.*)$/gm, (m, line) => { const k = line.match(/^(.*?)((?: \[\d+\])*)$/); return `"${k[1]}"${k[2]}`; })
    .replace(/(?<!\\)\*\*/g, '').replace(/(?<!\\)\*/g, '')
    .replace(/ {2}\n/g, '\n')
    .replace(/\\([\\`*_{}\[\]()#+\-.!|>~<&])/g, '$1')
    .replace(/&#(\d+);/g, (m, d) => String.fromCharCode(Number(d)));
  window.qaPlainText = plainText;
  let copyFromChat = 0;
  document.addEventListener('click', (e) => {
    const b = e.target.closest && e.target.closest('#chat button');
    copyFromChat = b && /copy/i.test((b.getAttribute('aria-label') || '') + (b.getAttribute('title') || ''))
      ? Date.now() : 0;
  }, true);
  const fromChat = () => copyFromChat && Date.now() - copyFromChat < 2000;
  if (navigator.clipboard && navigator.clipboard.writeText) {
    const write = navigator.clipboard.writeText.bind(navigator.clipboard);
    navigator.clipboard.writeText = (text) => write(fromChat() ? plainText(String(text)) : text);
  }
  document.addEventListener('copy', (e) => {  // Gradio's fallback without the Clipboard API
    const t = document.activeElement;
    if (!fromChat() || !t || t.tagName !== 'TEXTAREA' || t.closest('#question')) return;
    e.clipboardData.setData('text/plain', plainText(t.value));
    e.preventDefault();
  }, true);
  // The newest answer stays in view: the chat scrolls to the start of the latest question and
  // its reply (not to the bottom of a long reply), and the page brings the chat back into
  // view when a citation click had scrolled it away (the phone layout). An article chosen on
  // the Articles tab is scrolled into view and its heading focused.
  let bots = 0, shownArticle = '', pending = false;
  const scrollerOf = (el, stop) => {
    for (let s = el.parentElement; s && s !== stop; s = s.parentElement) {
      if (s.scrollHeight > s.clientHeight + 2 && /auto|scroll/.test(getComputedStyle(s).overflowY)) return s;
    }
    return null;
  };
  const keepInView = () => {
    pending = false;
    const chat = document.getElementById('chat');
    if (chat) {
      const all = chat.querySelectorAll('[data-testid="bot"]');
      const grew = all.length > bots;
      bots = all.length;
      if (grew) {
        const last = all[all.length - 1];
        const users = chat.querySelectorAll('[data-testid="user"]');
        const user = users[users.length - 1];
        const anchor = user && (user.compareDocumentPosition(last) & Node.DOCUMENT_POSITION_FOLLOWING) ? user : last;
        const scroller = scrollerOf(anchor, chat.parentElement);
        if (scroller) scroller.scrollTop += anchor.getBoundingClientRect().top - scroller.getBoundingClientRect().top - 44;
        const r = chat.getBoundingClientRect();
        if (r.top < 0 || r.top > window.innerHeight - 160) chat.scrollIntoView({block: 'start'});
      }
    }
    const reader = document.getElementById('article-reader');
    const heading = reader && reader.querySelector('h2');
    const now = heading ? heading.textContent : '';
    if (now && now !== shownArticle && reader.offsetParent !== null) {
      reader.scrollIntoView({block: 'start'});
      heading.setAttribute('tabindex', '-1');
      heading.focus({preventScroll: true});
    }
    shownArticle = now;
  };
  new MutationObserver(() => { if (!pending) { pending = true; requestAnimationFrame(keepInView); } })
    .observe(document.body, {childList: true, subtree: true, characterData: true});
  // Opening a full article scrolls it to the highlighted sentence.
  document.addEventListener('toggle', (e) => {
    const d = e.target;
    if (d.classList && d.classList.contains('qa-article') && d.open) {
      const m = d.querySelector('mark');
      if (m) m.scrollIntoView({block: 'center'});
    }
  }, true);
}
