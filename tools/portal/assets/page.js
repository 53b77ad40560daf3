// biome-ignore lint/suspicious/noRedundantUseStrict: a classic <script>, not a module, so strict mode is not implied
"use strict";
// What both pages need: where their URLs start, the server's JSON, and elements made with text only.
(() => {
    const { t } = window.Portal.i18n;

    // Every URL is relative to the page's folder (/s/<token>/ or /t/<token>/), even if it was opened without the last "/".
    const base = location.pathname.endsWith("/") ? location.pathname : `${location.pathname}/`;

    /** fetch, as JSON, never throwing: { body } on a 2xx answer, else { error } with the server's text. */
    async function api(path, init = {}) {
        try {
            const response = await fetch(base + path, { ...init, headers: { Accept: "application/json", ...init.headers } });
            let body = null;
            try {
                body = await response.json();
            } catch {
                // An answer without JSON: reported below by status.
            }
            if (!response.ok) return { error: (body && typeof body.error === "string" && body.error) || `HTTP ${response.status}` };
            if (body === null || typeof body !== "object") return { error: t("badResponse") };
            return { body };
        } catch (err) {
            return { error: `${t("networkError")}: ${err?.message ?? err}` };
        }
    }

    /** An element with a class and text (server text is only ever text, never HTML). */
    function el(tag, className, textContent) {
        const node = document.createElement(tag);
        if (className) node.className = className;
        if (textContent !== undefined) node.textContent = textContent;
        return node;
    }

    window.Portal = Object.assign(window.Portal || {}, { page: { base, api, el } });
})();
