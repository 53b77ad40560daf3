// biome-ignore lint/suspicious/noRedundantUseStrict: a classic <script>, not a module, so strict mode is not implied
"use strict";
// The student's page (served at /s/<token>/): their terminal on the left, their exercises on the right,
// each with a Check button that asks the server to check it and shows what it expected and saw.
(() => {
    const { i18n, openTerminal, page } = window.Portal;
    const { base, api, el } = page;
    const { t, pick } = i18n;

    const MARKS = { done: "✓", failed: "✗", todo: "•" };
    const STATE_TEXT = { done: "stateDone", failed: "stateFailed", todo: "stateTodo" };

    // What the page knows: the last state from the server, plus what only this page holds.
    let state = null;
    const results = new Map(); // exercise id → last check answer, or { error }
    const checking = new Set(); // exercise ids with a check under way
    const hintsOpen = new Set(); // exercise ids whose revealed hints are shown
    const cards = new Map(); // exercise id → { card, parts }
    let terminal = null;

    const exerciseList = document.querySelector('[data-testid="exercises"]');
    const terminalPanel = document.querySelector('[data-testid="terminal"]');
    const layout = document.querySelector(".student-layout");

    // Server text as text nodes (never HTML), with `backtick` parts as <code> and ```fenced``` parts as
    // code blocks. Newlines stay in the text; the CSS keeps them (white-space: pre-wrap).
    function richText(parent, text) {
        const source = String(text ?? "");
        // A fence's own line breaks belong to the block, not to the text around it.
        const pattern = /```(?:[a-z]*\n)?([\s\S]*?)```\n?|`([^`]+)`/g;
        let last = 0;
        for (const match of source.matchAll(pattern)) {
            if (match.index > last) parent.append(source.slice(last, match.index));
            const fenced = match[1] !== undefined;
            parent.append(el("code", fenced ? "code-block" : "", fenced ? match[1].replace(/\n$/, "") : match[2]));
            last = match.index + match[0].length;
        }
        if (last < source.length) parent.append(source.slice(last));
        return parent;
    }

    // ---- Header ----

    function renderHeader() {
        document.querySelector('[data-testid="lab"]').textContent = state ? state.lab : "";
        const who = document.querySelector('[data-testid="student"]');
        who.textContent = state?.student ?? "";
        who.hidden = !state?.student;
        document.querySelector(".progress-box").hidden = !state;
        const done = state ? state.done : 0;
        const total = state ? state.total : 0;
        document.querySelector('[data-testid="progress"]').textContent = `${done} / ${total}`;
        const bar = document.querySelector('[data-testid="progress-bar"]');
        bar.max = Math.max(total, 1);
        bar.value = done;
        document.title = state ? `${t("studentPage")} · ${state.student || state.lab}` : t("studentPage");
    }

    // ---- Terminal ----

    function renderTerminal() {
        const available = Boolean(state.terminal?.available);
        layout.classList.toggle("no-terminal", !available);
        if (available) {
            if (!terminal) terminal = openTerminal(terminalPanel, { path: `${base}terminal`, text: t });
            else terminal.refresh();
            return;
        }
        // No terminal for this student: its place holds the reason, and the exercises take the width.
        terminalPanel.classList.add("terminal-unavailable");
        terminalPanel.replaceChildren(el("strong", "", t("terminalUnavailable")), " ", richText(el("span"), pick(state.terminal?.reason)));
    }

    // ---- Exercises ----

    // A card's elements are made once and updated in place, so a re-render keeps focus on its button.
    function makeCard(id) {
        const card = el("article", "card");
        card.dataset.exercise = id;
        const parts = {
            mark: el("span", "state-mark"),
            section: el("span", "card-section"),
            heading: el("span", "card-heading"),
            title: el("h3", "card-title"),
            instructions: el("div", "card-instructions"),
            meta: el("p", "card-meta"),
            check: el("button", "check-button"),
            hintsToggle: el("button", "link-button"),
            hints: el("ol", "hints"),
            result: el("div", "result"),
        };
        parts.mark.dataset.testid = "state";
        parts.check.type = "button";
        parts.check.dataset.testid = "check";
        parts.hintsToggle.type = "button";
        parts.hintsToggle.dataset.testid = "hints-toggle";
        parts.hints.dataset.testid = "hints";
        parts.result.dataset.testid = "result";
        parts.result.setAttribute("aria-live", "polite");

        const top = el("div", "card-top");
        top.append(parts.mark, parts.section, parts.heading);
        const actions = el("div", "card-actions");
        actions.append(parts.check, parts.hintsToggle);
        card.append(top, parts.title, parts.instructions, parts.meta, actions, parts.hints, parts.result);

        parts.check.addEventListener("click", () => check(id));
        parts.hintsToggle.addEventListener("click", () => {
            if (hintsOpen.has(id)) hintsOpen.delete(id);
            else hintsOpen.add(id);
            renderCard(id);
        });
        return { card, parts };
    }

    function renderCard(id) {
        const exercise = state.exercises.find((e) => e.id === id);
        const { card, parts } = cards.get(id);
        const exerciseState = MARKS[exercise.state] ? exercise.state : "todo";
        card.dataset.state = exerciseState;

        parts.mark.textContent = MARKS[exerciseState];
        parts.mark.title = t(STATE_TEXT[exerciseState]);
        parts.mark.setAttribute("aria-label", t(STATE_TEXT[exerciseState]));
        parts.section.textContent = exercise.section || "";
        // The notes' own heading, in Chinese like the notes, so students can find the section in them.
        parts.heading.textContent = exercise.heading || "";
        parts.heading.lang = "zh-CN";
        parts.title.textContent = pick(exercise.title);
        parts.instructions.replaceChildren();
        richText(parts.instructions, pick(exercise.instructions));
        renderMeta(parts.meta, exercise);

        const running = checking.has(id);
        parts.check.disabled = running;
        parts.check.textContent = running ? t("checking") : t("check");
        card.classList.toggle("is-checking", running);

        // Hints already revealed by failed checks can be shown again; the others stay hidden.
        const hints = Array.isArray(exercise.hints) ? exercise.hints : [];
        const revealed = Math.min(hints.length, Math.max(0, exercise.failedChecks || 0));
        const open = revealed > 0 && hintsOpen.has(id);
        parts.hintsToggle.hidden = revealed === 0;
        parts.hintsToggle.textContent = open ? t("hideHints") : t("showHints", { n: revealed });
        parts.hintsToggle.setAttribute("aria-expanded", String(open));
        parts.hints.hidden = !open;
        parts.hints.replaceChildren(...hints.slice(0, revealed).map((hint) => richText(el("li"), pick(hint))));

        renderResult(parts.result, results.get(id));
    }

    function renderMeta(meta, exercise) {
        meta.replaceChildren();
        const add = (label, values) => {
            if (!Array.isArray(values) || values.length === 0) return;
            const item = el("span", "meta-item");
            item.append(el("span", "meta-label", label), " ");
            values.forEach((value, i) => {
                if (i > 0) item.append(" ");
                item.append(el("code", "", String(value)));
            });
            meta.append(item);
        };
        add(t("files"), exercise.files);
        add(t("teaches"), exercise.teaches);
        if (exercise.state === "done" && exercise.doneAt) {
            const doneAt = el("span", "meta-item", t("doneAt", { time: i18n.relativeTime(exercise.doneAt) }));
            doneAt.title = i18n.dateTime(exercise.doneAt);
            meta.append(doneAt);
        } else if (exercise.attempts > 0) {
            meta.append(el("span", "meta-item", t("attempts", { n: exercise.attempts })));
        }
        meta.hidden = meta.childElementCount === 0;
    }

    function renderResult(box, result) {
        box.replaceChildren();
        box.className = "result";
        box.hidden = !result;
        if (!result) return;
        if (result.error) {
            box.classList.add("error");
            box.textContent = result.error;
            return;
        }
        if (result.passed) {
            box.classList.add("pass");
            box.append(el("p", "verdict", `✓ ${t("passed")}`));
            return;
        }
        box.classList.add("fail");
        box.append(el("p", "verdict", `✗ ${t("failed")}`));
        const details = el("dl", "result-details");
        const row = (label, ...content) => {
            const dd = el("dd");
            dd.append(...content);
            details.append(el("dt", "", label), dd);
        };
        row(t("expected"), richText(el("span"), pick(result.expected)));

        const seen = result.seen || {};
        const lines = Array.isArray(seen.lines) ? seen.lines : [];
        const seenParts = [lines.length > 0 ? el("pre", "seen-output", lines.join("\n")) : el("em", "seen-nothing", t("nothing"))];
        if (seen.status !== null && seen.status !== undefined)
            seenParts.push(el("span", "seen-status", t("exitStatus", { n: seen.status })));
        row(t("seen"), ...seenParts);

        if (result.hint) {
            row(t("hint", { i: result.hint.index + 1, n: result.hint.count }), richText(el("span"), pick(result.hint.text)));
        }
        box.append(details);
    }

    function renderExercises() {
        const exercises = state.exercises || [];
        if (exercises.length === 0) {
            exerciseList.replaceChildren(el("p", "empty", t("noExercises")));
            return;
        }
        const wanted = exercises.map((exercise) => {
            if (!cards.has(exercise.id)) cards.set(exercise.id, makeCard(exercise.id));
            renderCard(exercise.id);
            return cards.get(exercise.id).card;
        });
        // Put cards in the server's order, moving only those out of place (moving a card loses focus).
        wanted.forEach((card, i) => {
            if (exerciseList.children[i] !== card) exerciseList.insertBefore(card, exerciseList.children[i] || null);
        });
        while (exerciseList.children.length > wanted.length) exerciseList.lastElementChild.remove();
    }

    async function check(id) {
        if (checking.has(id)) return;
        checking.add(id);
        renderCard(id);
        const answer = await api(`api/exercises/${encodeURIComponent(id)}/check`, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: "{}",
        });
        checking.delete(id);
        if (answer.error) {
            results.set(id, { error: answer.error });
        } else {
            const result = answer.body;
            results.set(id, result);
            if (result.exercise && result.exercise.id === id) {
                state.exercises = state.exercises.map((e) => (e.id === id ? result.exercise : e));
            }
            if (typeof result.done === "number") state.done = result.done;
            if (typeof result.total === "number") state.total = result.total;
            renderHeader();
        }
        renderCard(id);
    }

    // ---- Loading ----

    function showLoadError(message) {
        const box = document.querySelector('[data-testid="load-error"]');
        box.hidden = !message;
        box.querySelector(".load-error-text").textContent = message ? t("loadFailed", { error: message }) : "";
    }

    let loadError = "";
    async function load() {
        const answer = await api("api/state");
        loadError = answer.error || "";
        showLoadError(loadError);
        if (answer.error) return;
        state = answer.body;
        if (!Array.isArray(state.exercises)) state.exercises = [];
        renderAll();
    }

    function renderAll() {
        renderHeader();
        // Until the state has come, there is nothing to lay out (a failed load shows only its error).
        layout.hidden = !state;
        if (!state) return;
        renderTerminal();
        renderExercises();
    }

    i18n.init();
    i18n.onChange(() => {
        showLoadError(loadError);
        renderAll();
    });
    document.querySelector(".load-error-retry").addEventListener("click", load);
    renderHeader();
    load();
})();
