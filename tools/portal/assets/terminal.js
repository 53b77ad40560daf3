// biome-ignore lint/suspicious/noRedundantUseStrict: a classic <script>, not a module, so strict mode is not implied
"use strict";
// Opens an xterm.js terminal in an element and connects it to one of the portal's websockets.
//
// Protocol (see the portal server):
//   server → client, binary frame: terminal output bytes.
//   server → client, text frame:   {"type": "status" | "exit" | "error", "text": string}, shown under the terminal;
//                                  {"type": "size", "cols": n, "rows": m}: the watched terminal's size (read-only views).
//   client → server, text frame:   {"type": "input", "data": string} and {"type": "resize", "cols": n, "rows": m};
//                                  a read-only terminal sends nothing.
// Each connection also carries the terminal's size in its URL (?cols=N&rows=M), so the server can size the
// shell before the first byte instead of redrawing after the first resize message.
(() => {
    // English fallbacks, for a page that passes no `text` function.
    const FALLBACK_TEXT = {
        termConnecting: "Connecting…",
        termConnected: "Connected",
        termClosed: "The connection was closed.",
        termReconnect: "Reconnect",
        termMissing: "The terminal could not be loaded (xterm.js is missing).",
    };

    // Monospace faces that exist on Linux, macOS and Windows, then CJK monospace faces, so Chinese
    // output lines up instead of falling back to a proportional font.
    const FONT_FAMILY =
        'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", "Noto Sans Mono CJK SC", "WenQuanYi Micro Hei Mono", monospace';

    const RESIZE_DEBOUNCE_MS = 150;

    installCspStyleShim();

    /**
     * Opens a terminal in `host` connected to the websocket at `path` (resolved against the page's URL).
     * Options: readOnly (watch only: no input, no resize messages), text (key → UI string).
     * Returns { term, refresh() to redraw the UI strings after a language switch, dispose() }.
     */
    function openTerminal(host, { path, readOnly = false, text = (key) => FALLBACK_TEXT[key] }) {
        const screen = element("div", "term-screen");
        const statusLine = element("div", "term-status");
        const statusText = element("span", "term-status-text");
        statusText.dataset.testid = "terminal-status";
        statusText.setAttribute("role", "status");
        const reconnectButton = element("button", "term-reconnect");
        reconnectButton.type = "button";
        reconnectButton.dataset.testid = "reconnect";
        reconnectButton.hidden = true;
        statusLine.append(statusText, reconnectButton);
        host.classList.add("term");
        host.replaceChildren(screen, statusLine);

        // The status line: either one of our own strings (key), re-translated on refresh(), or the
        // server's text as it came.
        let status = { key: "termConnecting", kind: "info", reconnect: false };
        function showStatus(next) {
            status = next;
            statusText.textContent = status.key ? text(status.key) : status.text;
            statusLine.dataset.kind = status.kind;
            reconnectButton.textContent = text("termReconnect");
            reconnectButton.hidden = !status.reconnect;
        }

        if (typeof Terminal === "undefined" || typeof FitAddon === "undefined") {
            showStatus({ key: "termMissing", kind: "error", reconnect: false });
            return { term: null, refresh: () => showStatus(status), dispose: () => host.replaceChildren() };
        }

        // A read-only view takes the watched terminal's size, so that its output (wrapped for that width) replays as it was.
        let sessionSize = null;
        const term = new Terminal({
            cursorBlink: !readOnly,
            disableStdin: readOnly,
            fontFamily: FONT_FAMILY,
            fontSize: 14,
            scrollback: 5000,
            theme: { background: "#1b1f24", foreground: "#e6e6e6", cursor: readOnly ? "#1b1f24" : "#e6e6e6" },
        });
        const fitAddon = new FitAddon.FitAddon();
        term.loadAddon(fitAddon);
        term.open(screen);
        fit();

        let socket = null;
        let disposed = false;
        let sentSize = "";

        function send(message) {
            if (readOnly || !socket || socket.readyState !== WebSocket.OPEN) return;
            socket.send(JSON.stringify(message));
        }

        function fit() {
            if (readOnly && sessionSize) {
                term.resize(sessionSize.cols, sessionSize.rows);
                return;
            }
            try {
                fitAddon.fit();
            } catch {
                // A hidden or zero-sized host cannot be measured; the next resize fits it.
            }
        }

        // Tell the server the new size only when it changed, so a burst of layout changes makes one message.
        function fitAndReport() {
            fit();
            const size = `${term.cols}x${term.rows}`;
            if (size === sentSize) return;
            sentSize = size;
            send({ type: "resize", cols: term.cols, rows: term.rows });
        }

        function connect() {
            // A server may leave the old socket open after "exit": close it, and ignore its events.
            if (socket) socket.close();
            const url = new URL(path, location.href);
            url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
            url.searchParams.set("cols", String(term.cols));
            url.searchParams.set("rows", String(term.rows));
            showStatus({ key: "termConnecting", kind: "info", reconnect: false });

            const ws = new WebSocket(url.href);
            ws.binaryType = "arraybuffer";
            socket = ws;
            // A server that says why it ends (exit/error) keeps that text on the status line after the close.
            let ended = false;

            ws.addEventListener("open", () => {
                if (ws !== socket) return;
                showStatus({ key: "termConnected", kind: "ok", reconnect: false });
                sentSize = "";
                fitAndReport();
                if (!readOnly) term.focus();
            });
            ws.addEventListener("message", (event) => {
                if (ws !== socket) return;
                if (typeof event.data !== "string") {
                    term.write(new Uint8Array(event.data));
                    return;
                }
                let message;
                try {
                    message = JSON.parse(event.data);
                } catch {
                    return; // Not ours to show: the protocol's text frames are JSON.
                }
                if (message.type === "size" && Number.isInteger(message.cols) && Number.isInteger(message.rows)) {
                    sessionSize = { cols: message.cols, rows: message.rows };
                    fit();
                    return;
                }
                const shown = typeof message.text === "string" ? message.text : "";
                if (message.type === "status") showStatus({ text: shown, kind: "info", reconnect: false });
                if (message.type === "exit" || message.type === "error") {
                    ended = true;
                    showStatus({ text: shown, kind: message.type === "error" ? "error" : "info", reconnect: true });
                }
            });
            ws.addEventListener("close", () => {
                if (ws !== socket || disposed) return;
                socket = null;
                if (!ended) showStatus({ key: "termClosed", kind: "error", reconnect: true });
            });
        }

        reconnectButton.addEventListener("click", () => {
            // A new connection is a new session (or a fresh attach): start from a clean screen.
            term.reset();
            connect();
        });

        const inputSubscription = term.onData((data) => send({ type: "input", data }));

        // A ResizeObserver on the host sees window resizes and also layout changes (a panel opening,
        // a language switch re-wrapping the header) that a window "resize" listener would miss.
        let resizeTimer = 0;
        const resizeObserver = new ResizeObserver(() => {
            clearTimeout(resizeTimer);
            resizeTimer = setTimeout(fitAndReport, RESIZE_DEBOUNCE_MS);
        });
        resizeObserver.observe(host);

        connect();

        return {
            term,
            refresh: () => showStatus(status),
            dispose() {
                disposed = true;
                clearTimeout(resizeTimer);
                resizeObserver.disconnect();
                inputSubscription.dispose();
                if (socket) socket.close();
                socket = null;
                term.dispose();
                host.replaceChildren();
                host.classList.remove("term");
            },
        };
    }

    function element(tag, className) {
        const el = document.createElement(tag);
        el.className = className;
        return el;
    }

    // xterm.js's DOM renderer writes its theme colours and cell sizes into <style> elements it creates,
    // and 24-bit colours into style="" attributes. The portal's Content-Security-Policy (default-src
    // 'self', no 'unsafe-inline') blocks both: the console fills with violations and the terminal loses
    // its colours and row heights. Constructable stylesheets and the CSSOM are not subject to style-src,
    // so this hands out, for every <style> asked for, an inert stand-in whose text goes into an adopted
    // CSSStyleSheet, and turns style="" into element.style.cssText. (Even an empty <style> in the page
    // counts as an inline style to Chromium, so the stand-in cannot be a real <style>.)
    function installCspStyleShim() {
        if (!("adoptedStyleSheets" in Document.prototype) || !("replaceSync" in CSSStyleSheet.prototype)) return;

        const createElement = Document.prototype.createElement;
        Document.prototype.createElement = function (tagName, options) {
            if (String(tagName).toLowerCase() !== "style") return createElement.call(this, tagName, options);
            return adoptedStyleStandIn(this, createElement.call(this, "template"));
        };

        const setAttribute = Element.prototype.setAttribute;
        Element.prototype.setAttribute = function (name, value) {
            if (String(name).toLowerCase() === "style" && this.style instanceof CSSStyleDeclaration) {
                this.style.cssText = String(value);
                return;
            }
            setAttribute.call(this, name, value);
        };
    }

    // A <template> never renders or applies anything, so it can sit where xterm puts its <style>; the
    // CSS it is given lives in a sheet adopted by the document until the stand-in is removed.
    function adoptedStyleStandIn(doc, standIn) {
        const sheet = new CSSStyleSheet();
        let cssText = "";
        doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
        const text = {
            configurable: true,
            get: () => cssText,
            set(value) {
                cssText = value == null ? "" : String(value);
                sheet.replaceSync(cssText);
            },
        };
        Object.defineProperties(standIn, {
            textContent: text,
            innerText: text,
            sheet: { configurable: true, get: () => sheet },
        });
        const remove = standIn.remove;
        standIn.remove = function () {
            doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => s !== sheet);
            remove.call(this);
        };
        return standIn;
    }

    window.Portal = Object.assign(window.Portal || {}, { openTerminal });
})();
