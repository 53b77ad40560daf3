// biome-ignore lint/suspicious/noRedundantUseStrict: a classic <script>, not a module, so strict mode is not implied
"use strict";
// Language of the class portal, shared by the student and teacher pages, and every UI string of both
// pages in both languages. Content from the server arrives as {zh, en} pairs and goes through `pick`;
// the pages' own words go through `t`. Elements with data-i18n="key" (and data-i18n-title,
// data-i18n-label) in the HTML shells are filled here, so the shells hold no language of their own.
(() => {
    const STORAGE_KEY = "docker-lab-portal.lang";

    const STRINGS = {
        en: {
            // Both pages
            switchLanguage: "Switch language",
            loadFailed: "Could not load this page's data: {error}",
            retry: "Retry",
            networkError: "network error",
            badResponse: "unexpected answer from the server",
            never: "—",
            justNow: "just now",
            minutesAgo: "{n} min ago",
            hoursAgo: "{n} h ago",
            daysAgo: "{n} d ago",
            // Terminal
            termConnecting: "Connecting…",
            termConnected: "Connected",
            termClosed: "The connection was closed.",
            termReconnect: "Reconnect",
            termMissing: "The terminal could not be loaded (xterm.js is missing).",
            // Student page
            studentPage: "Docker lab",
            progress: "Done",
            terminal: "Terminal",
            terminalUnavailable: "The terminal is not available.",
            exercises: "Exercises",
            noExercises: "There are no exercises in this lab.",
            check: "Check",
            checking: "Checking…",
            stateDone: "done",
            stateFailed: "not passed yet",
            stateTodo: "to do",
            passed: "passed",
            failed: "not yet",
            expected: "Expected:",
            seen: "Seen:",
            nothing: "nothing",
            exitStatus: "exit status {n}",
            hint: "Hint {i}/{n}:",
            showHints: "Show hints ({n})",
            hideHints: "Hide hints",
            files: "Files:",
            teaches: "Practises:",
            attempts: "attempts: {n}",
            doneAt: "done {time}",
            // Teacher page
            teacherPage: "Class portal",
            mode: "mode: {mode}",
            live: "live",
            reconnecting: "reconnecting…",
            updated: "updated {time}",
            studentsCount: "{n} students",
            noStudents: "This class has no students.",
            exportCsv: "Export CSV",
            exportJson: "Export JSON",
            colStudent: "Student",
            colSeat: "Seat",
            colChecks: "Lab checks",
            colExercises: "Exercises",
            colActivity: "Last activity",
            colStatus: "Status",
            colActions: "Actions",
            colLink: "Student link",
            seat_healthy: "healthy",
            seat_running: "running",
            seat_starting: "starting",
            seat_unhealthy: "unhealthy",
            seat_stopped: "stopped",
            seat_missing: "missing",
            seat_none: "none",
            checksFrom_up: "{passed} of {total} lab checks passed at the last npm run up ({time})",
            checksFrom_verify: "{passed} of {total} lab checks passed at the last verify ({time})",
            checksFrom_none: "The lab checks have not run yet",
            verify: "Verify",
            reset: "Reset",
            watch: "Watch",
            copy: "Copy",
            copied: "Copied",
            copyPrompt: "Copy this link for {name}:",
            busy_verify: "verifying…",
            busy_reset: "resetting…",
            requested_verify: "verify requested…",
            requested_reset: "reset requested…",
            confirmReset:
                "Reset {name}'s seat?\n\nThis wipes {name}'s seat: its containers and all of {name}'s work are deleted, and the lab is rebuilt from scratch. This cannot be undone.",
            watchTitle: "{name}'s terminal (read-only)",
            close: "Close",
        },
        zh: {
            switchLanguage: "切换语言",
            loadFailed: "无法加载页面数据：{error}",
            retry: "重试",
            networkError: "网络错误",
            badResponse: "服务器返回了无法识别的内容",
            never: "—",
            justNow: "刚刚",
            minutesAgo: "{n} 分钟前",
            hoursAgo: "{n} 小时前",
            daysAgo: "{n} 天前",
            termConnecting: "正在连接…",
            termConnected: "已连接",
            termClosed: "连接已断开。",
            termReconnect: "重新连接",
            termMissing: "无法加载终端（缺少 xterm.js）。",
            studentPage: "Docker 实验",
            progress: "已完成",
            terminal: "终端",
            terminalUnavailable: "终端不可用。",
            exercises: "练习",
            noExercises: "这个实验没有练习。",
            check: "检查",
            checking: "检查中…",
            stateDone: "已完成",
            stateFailed: "未通过",
            stateTodo: "待完成",
            passed: "通过",
            failed: "未通过",
            expected: "期望：",
            seen: "实际：",
            nothing: "（没有输出）",
            exitStatus: "退出状态 {n}",
            hint: "提示 {i}/{n}：",
            showHints: "显示提示（{n}）",
            hideHints: "隐藏提示",
            files: "文件：",
            teaches: "练习内容：",
            attempts: "已尝试 {n} 次",
            doneAt: "完成于 {time}",
            teacherPage: "课堂门户",
            mode: "模式：{mode}",
            live: "实时",
            reconnecting: "重新连接中…",
            updated: "更新于 {time}",
            studentsCount: "{n} 名学生",
            noStudents: "这个班级没有学生。",
            exportCsv: "导出 CSV",
            exportJson: "导出 JSON",
            colStudent: "学生",
            colSeat: "座位",
            colChecks: "实验检查",
            colExercises: "练习",
            colActivity: "最近活动",
            colStatus: "状态",
            colActions: "操作",
            colLink: "学生链接",
            seat_healthy: "正常",
            seat_running: "运行中",
            seat_starting: "启动中",
            seat_unhealthy: "异常",
            seat_stopped: "已停止",
            seat_missing: "缺失",
            seat_none: "无",
            checksFrom_up: "上次 npm run up 时通过了 {total} 项实验检查中的 {passed} 项（{time}）",
            checksFrom_verify: "上次验证时通过了 {total} 项实验检查中的 {passed} 项（{time}）",
            checksFrom_none: "实验检查尚未运行",
            verify: "验证",
            reset: "重置",
            watch: "观看",
            copy: "复制",
            copied: "已复制",
            copyPrompt: "复制 {name} 的链接：",
            busy_verify: "验证中…",
            busy_reset: "重置中…",
            requested_verify: "已请求验证…",
            requested_reset: "已请求重置…",
            confirmReset:
                "重置 {name} 的座位？\n\n这会清空 {name} 的座位：删除其中的容器和 {name} 的全部作业，并从头重建实验环境。此操作无法撤销。",
            watchTitle: "{name} 的终端（只读）",
            close: "关闭",
        },
    };

    // A choice made with the switch wins; otherwise the browser's languages decide (the first one
    // listed is the user's preference, so only it counts).
    function initialLanguage() {
        try {
            const saved = localStorage.getItem(STORAGE_KEY);
            if (saved === "zh" || saved === "en") return saved;
        } catch {
            // Storage can be off (private mode, policy): fall back to the browser's language.
        }
        const preferred = navigator.languages?.[0] || navigator.language || "";
        return preferred.toLowerCase().startsWith("zh") ? "zh" : "en";
    }

    let lang = initialLanguage();
    const listeners = [];

    /** A UI string by key, with {name} placeholders filled from vars. */
    function t(key, vars) {
        const text = STRINGS[lang][key] ?? STRINGS.en[key] ?? key;
        if (!vars) return text;
        return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
    }

    /** The current language's side of a {zh, en} pair from the server (the other side if it is missing). */
    function pick(pair) {
        if (pair == null) return "";
        if (typeof pair === "string") return pair;
        return pair[lang] ?? pair[lang === "zh" ? "en" : "zh"] ?? "";
    }

    /** "2 min ago" / "2 分钟前" for an ISO time; "—" when there is none. */
    function relativeTime(iso, now = Date.now()) {
        const at = iso ? Date.parse(iso) : Number.NaN;
        if (Number.isNaN(at)) return t("never");
        // A little clock skew between server and browser must not show "in 3 s".
        const seconds = Math.max(0, (now - at) / 1000);
        if (seconds < 45) return t("justNow");
        const minutes = Math.max(1, Math.round(seconds / 60));
        if (minutes < 60) return t("minutesAgo", { n: minutes });
        const hours = Math.round(minutes / 60);
        if (hours < 24) return t("hoursAgo", { n: hours });
        return t("daysAgo", { n: Math.round(hours / 24) });
    }

    /** A full local date and time, for title tooltips next to relative times. */
    function dateTime(iso) {
        const at = iso ? new Date(iso) : null;
        if (!at || Number.isNaN(at.getTime())) return "";
        return at.toLocaleString(lang === "zh" ? "zh-CN" : "en");
    }

    // Fill the shell's marked elements and the switch; each switch names the *other* language in
    // that language, so a reader who cannot read the current one still finds it.
    function applyToDocument() {
        document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
        for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
        for (const el of document.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
        for (const el of document.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
        for (const button of document.querySelectorAll('[data-testid="lang"]')) {
            const other = lang === "zh" ? "en" : "zh";
            button.textContent = other === "zh" ? "中文" : "English";
            button.lang = other === "zh" ? "zh-CN" : "en";
            button.title = t("switchLanguage");
        }
    }

    function setLanguage(next) {
        lang = next;
        try {
            localStorage.setItem(STORAGE_KEY, next);
        } catch {
            // Not remembered, but the page still switches.
        }
        applyToDocument();
        for (const listener of listeners) listener(lang);
    }

    /** Wires the language switch(es) and fills the shell; call once the DOM is parsed. */
    function init() {
        for (const button of document.querySelectorAll('[data-testid="lang"]')) {
            button.addEventListener("click", () => setLanguage(lang === "zh" ? "en" : "zh"));
        }
        applyToDocument();
    }

    window.Portal = Object.assign(window.Portal || {}, {
        i18n: {
            get lang() {
                return lang;
            },
            t,
            pick,
            relativeTime,
            dateTime,
            init,
            /** Runs `listener(lang)` after every switch, for the page to re-render what it drew. */
            onChange(listener) {
                listeners.push(listener);
            },
        },
    });
})();
