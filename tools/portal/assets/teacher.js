// biome-ignore lint/suspicious/noRedundantUseStrict: a classic <script>, not a module, so strict mode is not implied
"use strict";
// The teacher's page (served at /t/<token>/): the class roster, kept live by server-sent events, with
// per-student actions (verify, reset, watch their terminal, copy their link).
(() => {
    const { i18n, openTerminal, page } = window.Portal;
    const { base, api, el } = page;
    const { t } = i18n;

    const SEAT_STATES = ["healthy", "running", "starting", "unhealthy", "stopped", "missing", "none"];
    const RELATIVE_TIME_REFRESH_MS = 30_000;
    const SSE_RETRY_MS = 5_000;
    const NOTE_TTL_MS = 120_000;

    let roster = null;
    let live = false;
    const rows = new Map(); // student name → { tr, cells }
    // What this page asked for and the server has not shown yet, per student:
    // { kind: "info" | "error", key?, text?, lastActionAt, since } — cleared once the roster moves on.
    const notes = new Map();
    const pending = new Set(); // students with a POST under way
    let watching = null; // { student, terminal }

    const tbody = document.querySelector('[data-testid="roster"] tbody');
    const watchPanel = document.querySelector('[data-testid="watch-terminal"]');
    const watchBody = watchPanel.querySelector(".watch-body");

    function button(action, className) {
        const b = el("button", className);
        b.type = "button";
        b.dataset.action = action;
        return b;
    }

    // ---- Header ----

    function renderHeader() {
        document.querySelector('[data-testid="lab"]').textContent = roster ? roster.lab : "";
        const mode = document.querySelector('[data-testid="mode"]');
        mode.textContent = roster?.mode ? t("mode", { mode: roster.mode }) : "";
        const liveBadge = document.querySelector('[data-testid="live"]');
        liveBadge.textContent = live ? t("live") : t("reconnecting");
        liveBadge.classList.toggle("is-live", live);
        const summary = document.querySelector('[data-testid="summary"]');
        summary.textContent = roster
            ? `${t("studentsCount", { n: roster.students.length })} · ${t("updated", { time: i18n.relativeTime(roster.updatedAt) })}`
            : "";
        summary.title = roster ? i18n.dateTime(roster.updatedAt) : "";
        document.title = roster ? `${t("teacherPage")} · ${roster.lab}` : t("teacherPage");
        // Set from `base` too, like the API URLs, in case the page was opened without its last "/".
        document.querySelector('[data-testid="export-csv"]').href = `${base}export.csv`;
        document.querySelector('[data-testid="export-json"]').href = `${base}export.json`;
    }

    // ---- Table ----

    // A row's elements are made once and updated in place, so live updates keep focus and selection.
    function makeRow(student) {
        const tr = document.createElement("tr");
        tr.dataset.student = student;
        const cells = {
            name: el("strong", "student-name", student),
            seat: el("span", "badge"),
            checks: el("span", "count"),
            exercises: el("span", "count"),
            exercisesBar: el("progress", "mini-bar"),
            activity: el("span", "activity"),
            action: el("span", "action-note"),
            verify: button("verify", "small"),
            reset: button("reset", "small danger"),
            watch: button("watch", "small"),
            link: el("code", "student-link"),
            copy: button("copy", "small"),
        };
        cells.seat.dataset.testid = "seat";
        cells.checks.dataset.testid = "checks";
        cells.exercises.dataset.testid = "exercises";
        cells.activity.dataset.testid = "activity";
        cells.action.dataset.testid = "action";
        cells.action.setAttribute("role", "status");
        cells.link.dataset.testid = "link";

        // Each cell knows its column's heading key: a narrow screen shows it as the cell's label.
        const td = (className, labelKey, ...children) => {
            const cell = el("td", className);
            cell.dataset.labelKey = labelKey;
            cell.append(...children);
            return cell;
        };
        const buttons = el("div", "row-buttons");
        buttons.append(cells.verify, cells.reset, cells.watch);
        const linkBox = el("div", "link-box");
        linkBox.append(cells.link, cells.copy);
        const exercisesBox = el("div", "exercises-box");
        exercisesBox.append(cells.exercises, cells.exercisesBar);
        tr.append(
            td("name", "colStudent", cells.name),
            td("", "colSeat", cells.seat),
            td("num", "colChecks", cells.checks),
            td("num", "colExercises", exercisesBox),
            td("", "colActivity", cells.activity),
            td("status", "colStatus", cells.action),
            td("", "colActions", buttons),
            td("link", "colLink", linkBox),
        );
        return { tr, cells };
    }

    function renderRow(student) {
        const { tr, cells } = rows.get(student.student);
        for (const cell of tr.cells) cell.dataset.label = t(cell.dataset.labelKey);

        const seat = student.seat || {};
        const seatState = SEAT_STATES.includes(seat.state) ? seat.state : "none";
        cells.seat.className = `badge seat-${seatState}`;
        cells.seat.dataset.state = seatState;
        cells.seat.textContent = t(`seat_${seatState}`);
        cells.seat.title = seat.detail || "";

        const checks = student.checks || { passed: 0, total: 0, source: "none" };
        cells.checks.textContent = `${checks.passed}/${checks.total}`;
        const source = ["up", "verify"].includes(checks.source) ? checks.source : "none";
        cells.checks.className = `count ${source === "none" ? "is-unknown" : checks.passed === checks.total ? "is-good" : "is-bad"}`;
        cells.checks.title = t(`checksFrom_${source}`, { passed: checks.passed, total: checks.total, time: i18n.dateTime(checks.at) });

        const exercises = student.exercises || { done: 0, total: 0 };
        cells.exercises.textContent = `${exercises.done}/${exercises.total}`;
        cells.exercisesBar.max = Math.max(exercises.total, 1);
        cells.exercisesBar.value = exercises.done;

        cells.activity.textContent = i18n.relativeTime(student.lastActivity);
        cells.activity.title = i18n.dateTime(student.lastActivity);

        renderAction(student, cells.action);

        // Busy from the server, or asked for here and not yet picked up by the server.
        const note = notes.get(student.student);
        const busy = Boolean(student.busy) || pending.has(student.student) || (note !== undefined && note.kind === "info");
        cells.verify.textContent = t("verify");
        cells.reset.textContent = t("reset");
        cells.verify.disabled = busy;
        cells.reset.disabled = busy;
        cells.watch.textContent = t("watch");
        cells.watch.hidden = !roster?.terminal;
        cells.watch.setAttribute("aria-pressed", String(Boolean(watching && watching.student === student.student)));
        cells.link.textContent = studentUrl(student);
        if (!cells.copy.classList.contains("is-copied")) cells.copy.textContent = t("copy");
    }

    // The action cell shows, in order: what the server is doing now, what this page just asked or was
    // refused, or how the last action ended.
    function renderAction(student, cell) {
        const note = notes.get(student.student);
        const lastAction = student.lastAction;
        // A note lasts until the server shows the student busy or reports a newer last action; a
        // "requested…" note the server never followed up on goes after a while rather than for ever.
        const moved = student.busy || (lastAction && lastAction.at !== note?.lastActionAt);
        const stale = note?.kind === "info" && Date.now() - note.since > NOTE_TTL_MS;
        if (note && (moved || stale)) notes.delete(student.student);
        const current = notes.get(student.student);

        cell.className = "action-note";
        cell.title = "";
        if (student.busy) {
            cell.classList.add("is-busy");
            cell.textContent = t(`busy_${student.busy}`);
        } else if (current) {
            cell.classList.add(current.kind === "error" ? "is-error" : "is-busy");
            cell.textContent = current.key ? t(current.key) : current.text;
        } else if (lastAction) {
            cell.classList.add(lastAction.ok ? "is-ok" : "is-error");
            cell.textContent = `${lastAction.ok ? "✓" : "✗"} ${lastAction.message || ""}`;
            cell.title = `${lastAction.kind} · ${i18n.dateTime(lastAction.at)}`;
        } else {
            cell.textContent = "";
        }
    }

    function studentUrl(student) {
        return student.link ? location.origin + student.link : "";
    }

    function renderTable() {
        const students = roster ? roster.students : [];
        const names = new Set(students.map((s) => s.student));
        for (const [name, row] of rows) {
            if (!names.has(name)) {
                row.tr.remove();
                rows.delete(name);
            }
        }
        students.forEach((student, i) => {
            if (!rows.has(student.student)) rows.set(student.student, makeRow(student.student));
            renderRow(student);
            // Keep the server's order, moving only rows out of place (moving a row loses focus).
            const { tr } = rows.get(student.student);
            if (tbody.children[i] !== tr) tbody.insertBefore(tr, tbody.children[i] || null);
        });
        document.querySelector('[data-testid="empty"]').hidden = !roster || students.length > 0;
    }

    function render(next) {
        if (next) {
            roster = next;
            if (!Array.isArray(roster.students)) roster.students = [];
        }
        renderHeader();
        renderTable();
    }

    // ---- Actions ----

    function findStudent(name) {
        return roster ? roster.students.find((s) => s.student === name) : undefined;
    }

    async function requestAction(name, kind) {
        const student = findStudent(name);
        if (!student || student.busy || pending.has(name)) return;
        if (kind === "reset" && !window.confirm(t("confirmReset", { name }))) return;
        const lastActionAt = student.lastAction ? student.lastAction.at : undefined;
        pending.add(name);
        notes.set(name, { kind: "info", key: `requested_${kind}`, lastActionAt, since: Date.now() });
        renderRow(student);
        const answer = await api(`api/students/${encodeURIComponent(name)}/${kind}`, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: "{}",
        });
        pending.delete(name);
        // Accepted: the note says "requested…" until the roster shows the work. Refused: say why.
        if (answer.error) notes.set(name, { kind: "error", text: answer.error, lastActionAt, since: Date.now() });
        const latest = findStudent(name);
        if (latest) renderRow(latest);
    }

    async function copyLink(name, copyButton) {
        const student = findStudent(name);
        const url = student ? studentUrl(student) : "";
        if (!url) return;
        try {
            // The clipboard API exists only in secure contexts (https, localhost): a class on plain
            // http over the LAN gets the prompt instead, where the link can be copied by hand.
            if (!navigator.clipboard || !window.isSecureContext) throw new Error("no clipboard");
            await navigator.clipboard.writeText(url);
            copyButton.textContent = t("copied");
            copyButton.classList.add("is-copied");
            setTimeout(() => {
                copyButton.classList.remove("is-copied");
                copyButton.textContent = t("copy");
            }, 1500);
        } catch {
            window.prompt(t("copyPrompt", { name }), url);
        }
    }

    tbody.addEventListener("click", (event) => {
        const target = event.target.closest("button[data-action]");
        const tr = target?.closest("tr[data-student]");
        if (!tr) return;
        const name = tr.dataset.student;
        const action = target.dataset.action;
        if (action === "verify" || action === "reset") requestAction(name, action);
        else if (action === "watch") openWatch(name);
        else if (action === "copy") copyLink(name, target);
    });

    // ---- Watch: one read-only terminal at a time ----

    function openWatch(name) {
        closeWatch();
        watchPanel.hidden = false;
        document.body.classList.add("is-watching");
        watching = {
            student: name,
            terminal: openTerminal(watchBody, { path: `${base}terminal/${encodeURIComponent(name)}`, readOnly: true, text: t }),
        };
        renderWatchTitle();
        renderTable();
        watchPanel.querySelector('[data-testid="watch-close"]').focus();
    }

    function closeWatch() {
        if (!watching) return;
        watching.terminal.dispose();
        watching = null;
        watchPanel.hidden = true;
        document.body.classList.remove("is-watching");
        renderTable();
    }

    function renderWatchTitle() {
        if (!watching) return;
        watchPanel.querySelector('[data-testid="watch-title"]').textContent = t("watchTitle", { name: watching.student });
        watching.terminal.refresh();
    }

    watchPanel.querySelector('[data-testid="watch-close"]').addEventListener("click", closeWatch);
    document.addEventListener("keydown", (event) => {
        if (event.key === "Escape" && watching) closeWatch();
    });

    // ---- Live updates ----

    function setLive(next) {
        live = next;
        renderHeader();
    }

    // EventSource reconnects by itself after a dropped connection; when the server refuses outright it
    // gives up (readyState CLOSED), so then we start a new one after a pause.
    function listen() {
        const events = new EventSource(`${base}events`);
        events.addEventListener("open", () => setLive(true));
        events.addEventListener("roster", (event) => {
            try {
                render(JSON.parse(event.data));
                setLive(true);
            } catch {
                // A malformed message: keep the table as it is; the next one replaces it.
            }
        });
        events.addEventListener("error", () => {
            setLive(false);
            if (events.readyState === EventSource.CLOSED) setTimeout(listen, SSE_RETRY_MS);
        });
    }

    // ---- Loading ----

    let loadError = "";
    function showLoadError() {
        const box = document.querySelector('[data-testid="load-error"]');
        box.hidden = !loadError;
        box.querySelector(".load-error-text").textContent = loadError ? t("loadFailed", { error: loadError }) : "";
    }

    async function load() {
        const answer = await api("api/roster");
        loadError = answer.error || "";
        showLoadError();
        if (answer.error) return;
        // Live events may have brought a newer roster while this answer was on its way.
        if (roster && Date.parse(roster.updatedAt) > Date.parse(answer.body.updatedAt)) return;
        render(answer.body);
    }

    i18n.init();
    i18n.onChange(() => {
        showLoadError();
        render();
        renderWatchTitle();
    });
    document.querySelector(".load-error-retry").addEventListener("click", load);
    // Relative times ("2 min ago") age while nothing else changes.
    setInterval(() => render(), RELATIVE_TIME_REFRESH_MS);
    render();
    load();
    listen();
})();
