// hellodocker: the sample app of the notes' section 02, packaged by app/Dockerfile.
// A Node HTTP server with no npm dependencies: nothing to install inside the image.

const http = require("node:http");
const os = require("node:os");
const { version } = require("./package.json");

const port = Number(process.env.PORT || 8080);
const lab = process.env.LAB_INSTANCE || "";

const server = http.createServer((req, res) => {
    if (req.url === "/healthz") {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("ok\n");
        return;
    }
    if (req.url === "/" || req.url === "/index.json") {
        const body = JSON.stringify({ app: "hellodocker", greeting: "Hello, Docker!", hostname: os.hostname(), version, lab });
        res.writeHead(200, { "content-type": "application/json" });
        res.end(`${body}\n`);
        return;
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end(`${JSON.stringify({ error: "not found", path: req.url })}\n`);
});

// As PID 1 the app gets no default signal handling: close the server so `docker stop` is instant.
function shutdown(signal) {
    console.log(`received ${signal}, shutting down`);
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);

server.listen(port, () => console.log(`hellodocker ${version} listening on ${port}`));
