/*
 * web.c - exoctl web: a live view of exod in a browser, served by
 * libevent's own HTTP server.
 *
 *	/		the page: the display, the slot vector, the libOSes,
 *			the recent revocations and calls, refreshed by itself
 *	/view.json	the same data for scripts (view.c)
 *	/display.png	the display now; ?owners=1 outlines the owners
 *
 * It only reads (STATUS-class requests over one control connection) and
 * listens on the loopback interface unless told otherwise: anyone who
 * may run exoctl may see what it shows.
 */
#include "config.h"

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "exoctl.h"

#define WEB_DEFAULT_ADDR	"127.0.0.1"
#define WEB_DEFAULT_PORT	8080
#define WEB_REFRESH_MS		250	/* the page asks this often */

struct web {
	struct exo		*e;
	struct event_base	*base;
	int			 broken;	/* exod went away: stop */
};

static const char web_page_head[] =
"<!DOCTYPE html>\n"
"<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
"<title>exo: a live view of exod</title>\n"
"<style>\n"
"body{background:#111;color:#ddd;font:14px monospace;margin:1em}\n"
"h1{font-size:18px;margin:0 0 .5em 0}h2{font-size:15px;margin:1em 0 .3em 0}\n"
"#display{image-rendering:pixelated;border:1px solid #555;max-width:100%}\n"
"table{border-collapse:collapse}td,th{padding:1px 6px;text-align:right}\n"
"th{color:#aaa;border-bottom:1px solid #555}td.name{text-align:left}\n"
"#slots span{display:inline-block;min-width:2.2em;text-align:center;"
"margin:1px;padding:2px 0;color:#000;background:#444}\n"
"#slots span.now{outline:3px solid #fff}\n"
"#history div{white-space:pre}\n"
"</style></head><body>\n"
"<h1>exod, live</h1>\n"
"<div id=\"summary\">waiting for exod...</div>\n"
"<h2>the display</h2>\n"
"<div id=\"dispinfo\">no picture yet</div>\n"
"<img id=\"display\" alt=\"the display\">\n"
"<h2>the slot vector</h2>\n"
"<div id=\"running\"></div><div id=\"slots\"></div>\n"
"<h2>library operating systems</h2>\n"
"<table id=\"libos\"><thead><tr><th>id</th><th>name</th><th>state</th>"
"<th>frames</th><th>slots</th><th>blocks</th><th>tiles</th>"
"<th>quanta</th><th>tlb misses</th><th>stlb hits</th>"
"<th>revocations</th><th>aborts</th></tr></thead><tbody></tbody></table>\n"
"<h2>recent revocations and protected calls</h2>\n"
"<div id=\"history\"></div>\n"
"<script>\n";

static const char web_page_tail[] =
"var updates = 0, pictures = 0, busy = false;\n"
"function colour(id) { return id ? palette[id % palette.length] : '#444'; }\n"
"function cell(tr, text, cls) { var td = document.createElement('td');\n"
"  td.textContent = text; if (cls) td.className = cls; tr.appendChild(td); }\n"
"function show(v) {\n"
"  var s = v.slots, st = v.status, i;\n"
"  document.getElementById('summary').textContent = 'updates: ' +\n"
"    (++updates) + ', tick ' + s.tick + ', epoch ' + s.epoch + ', ' +\n"
"    st.libos.length + ' libOSes, frames ' + st.frames_free + ' free of ' +\n"
"    st.frames_total;\n"
"  document.getElementById('running').textContent = 'slot ' + s.current +\n"
"    ' now; running: ' + (s.running ? 'libOS ' + s.running : 'nobody');\n"
"  var sl = document.getElementById('slots'); sl.textContent = '';\n"
"  for (i = 0; i < s.nslots; i++) { var c = document.createElement('span');\n"
"    c.textContent = s.owner[i] ? s.owner[i] : '-';\n"
"    c.style.background = colour(s.owner[i]);\n"
"    c.title = 'slot ' + i; if (i == s.current) c.className = 'now';\n"
"    sl.appendChild(c); }\n"
"  var tb = document.querySelector('#libos tbody'); tb.textContent = '';\n"
"  st.libos.forEach(function (l) { var tr = document.createElement('tr');\n"
"    tr.style.color = colour(l.id); cell(tr, l.id); cell(tr, l.name, 'name');\n"
"    cell(tr, l.state); cell(tr, l.frames); cell(tr, l.slots);\n"
"    cell(tr, l.blocks); cell(tr, l.tiles); cell(tr, l.quanta);\n"
"    cell(tr, l.tlb.misses); cell(tr, l.tlb.stlb_hits);\n"
"    cell(tr, l.revocations); cell(tr, l.aborts); tb.appendChild(tr); });\n"
"  var h = document.getElementById('history'); h.textContent = '';\n"
"  v.history.slice(-12).reverse().forEach(function (r) {\n"
"    var d = document.createElement('div'), t;\n"
"    if (r.kind == 'call') t = 'libOS ' + r.from + ' calls libOS ' + r.to +\n"
"      ' (' + r.count + ' bytes)';\n"
"    else if (r.kind == 'return') t = 'libOS ' + r.to + ' answers libOS ' +\n"
"      r.from + ': status ' + r.status;\n"
"    else t = (r.kind == 'revoke' ? 'exod revokes ' : 'exod takes ') +\n"
"      r.count + ' ' + r.res + (r.count == 1 ? '' : 's') + ' of libOS ' + r.to;\n"
"    d.textContent = '#' + r.seq + ' ' + t; h.appendChild(d); });\n"
"  if (v.display) document.getElementById('display').dataset.geometry =\n"
"    v.display.width + 'x' + v.display.height;\n"
"  else document.getElementById('dispinfo').textContent = 'exod has no display (exod -F)';\n"
"}\n"
"var img = document.getElementById('display');\n"
"img.onload = function () { document.getElementById('dispinfo').textContent =\n"
"  'display ' + img.naturalWidth + 'x' + img.naturalHeight + ', picture ' +\n"
"  (++pictures); };\n"
"function tick() {\n"
"  if (busy) return; busy = true;\n"
"  fetch('/view.json', {cache: 'no-store'}).then(function (r) {\n"
"    return r.json(); }).then(function (v) { show(v);\n"
"    if (v.display) img.src = '/display.png?owners=1&n=' + updates;\n"
"  }).catch(function (e) { document.getElementById('summary').textContent =\n"
"    'exod does not answer: ' + e; }).finally(function () { busy = false; });\n"
"}\n"
"tick(); setInterval(tick, refresh_ms);\n"
"</script></body></html>\n";

static void
web_reply(struct evhttp_request *req, int code, const char *reason,
    const char *type, const void *body, size_t len)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	struct evbuffer		*b;

	if ((b = evbuffer_new()) == NULL) {
		evhttp_send_error(req, 500, "out of memory");
		return;
	}
	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	if (len > 0)
		evbuffer_add(b, body, len);
	evhttp_send_reply(req, code, reason, b);
	evbuffer_free(b);
}

/* An exod that does not answer ends the server, after this answer. */
static void
web_exod_error(struct web *w, struct evhttp_request *req, int error)
{
	char	msg[256];

	snprintf(msg, sizeof msg, "exod: %s\n", exo_strerror(error));
	web_reply(req, 503, "exod unavailable", "text/plain", msg,
	    strlen(msg));
	if (error == -EXO_ECONN || error == -EXO_ESYS || error == -EXO_EPROTO) {
		w->broken = 1;
		/* Time for this answer to leave. */
		event_base_loopexit(w->base, &(struct timeval){ 0, 200000 });
	}
}

static void
web_page(struct web *w, struct evhttp_request *req)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f;
	int	 i;

	if ((f = open_memstream(&buf, &len)) == NULL) {
		evhttp_send_error(req, 500, "out of memory");
		return;
	}
	fputs(web_page_head, f);
	fprintf(f, "var refresh_ms = %d, palette = [", WEB_REFRESH_MS);
	for (i = 0; i < 8; i++)
		fprintf(f, "%s'#%06x'", i ? "," : "",
		    shot_owner_colour((uint32_t)i));
	fprintf(f, "];\n");
	fputs(web_page_tail, f);
	fclose(f);
	web_reply(req, 200, "OK", "text/html; charset=utf-8", buf, len);
	free(buf);
}

static void
web_json(struct web *w, struct evhttp_request *req)
{
	struct view	 v;
	char		*buf = NULL;
	size_t		 len = 0;
	FILE		*f;
	int		 error;

	if ((error = view_fetch(w->e, &v)) != 0) {
		web_exod_error(w, req, error);
		return;
	}
	if ((f = open_memstream(&buf, &len)) == NULL) {
		view_free(&v);
		evhttp_send_error(req, 500, "out of memory");
		return;
	}
	error = view_json(f, &v);
	fclose(f);
	view_free(&v);
	if (error != 0) {
		free(buf);
		evhttp_send_error(req, 500, "cannot write the JSON");
		return;
	}
	web_reply(req, 200, "OK", "application/json", buf, len);
	free(buf);
}

static void
web_png(struct web *w, struct evhttp_request *req, int owners)
{
	struct exo_display	d;
	struct shot_png		png;
	int			error;

	if ((error = exo_display_snap(w->e, &d)) != 0) {
		if (error == -EXO_ENODISPLAY)
			web_reply(req, 404, "no display", "text/plain",
			    "exod has no display (exod -F)\n", 30);
		else
			web_exod_error(w, req, error);
		return;
	}
	error = shot_render(&d, owners, &png);
	exo_display_free(&d);
	if (error != 0) {
		evhttp_send_error(req, 500, "cannot encode the PNG");
		return;
	}
	web_reply(req, 200, "OK", "image/png", png.buf, png.len);
	shot_png_free(&png);
}

static void
web_cb(struct evhttp_request *req, void *arg)
{
	struct web		*w = arg;
	struct evhttp_uri	*u;
	struct evkeyvalq	 q;
	const char		*path, *query, *o;
	int			 owners = 0;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET &&
	    evhttp_request_get_command(req) != EVHTTP_REQ_HEAD) {
		evhttp_send_error(req, 405, "only GET");
		return;
	}
	if ((u = evhttp_uri_parse(evhttp_request_get_uri(req))) == NULL) {
		evhttp_send_error(req, 400, "bad URI");
		return;
	}
	path = evhttp_uri_get_path(u);
	if (path == NULL || *path == '\0')
		path = "/";
	if ((query = evhttp_uri_get_query(u)) != NULL &&
	    evhttp_parse_query_str(query, &q) == 0) {
		o = evhttp_find_header(&q, "owners");
		owners = o != NULL && strcmp(o, "1") == 0;
		evhttp_clear_headers(&q);
	}
	if (strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0)
		web_page(w, req);
	else if (strcmp(path, "/view.json") == 0)
		web_json(w, req);
	else if (strcmp(path, "/display.png") == 0)
		web_png(w, req, owners);
	else
		evhttp_send_error(req, 404, "not here");
	evhttp_uri_free(u);
}

/* "addr:port", "addr" or ":port" into addr (IPv4) and port. */
static int
web_parse_listen(const char *s, char *addr, size_t len, unsigned *port)
{
	const char	*colon = strrchr(s, ':');
	struct in_addr	 in;
	unsigned long	 v;
	char		*end;
	size_t		 n = colon != NULL ? (size_t)(colon - s) : strlen(s);

	*port = WEB_DEFAULT_PORT;
	if (n == 0)
		snprintf(addr, len, "%s", WEB_DEFAULT_ADDR);
	else if (n >= len)
		return (-1);
	else {
		memcpy(addr, s, n);
		addr[n] = '\0';
	}
	if (inet_pton(AF_INET, addr, &in) != 1)
		return (-1);
	if (colon != NULL) {
		v = strtoul(colon + 1, &end, 10);
		if (colon[1] < '0' || colon[1] > '9' || *end != '\0' ||
		    v > 65535)
			return (-1);
		*port = (unsigned)v;
	}
	return (0);
}

static void
web_signal_cb(evutil_socket_t sig, short events, void *arg)
{
	event_base_loopexit(arg, NULL);
}

/* The address the server got (port 0 asks the kernel for one). */
static unsigned
web_bound_port(struct evhttp_bound_socket *bs)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;

	if (getsockname(evhttp_bound_socket_get_fd(bs),
	    (struct sockaddr *)&sin, &len) == -1)
		return (0);
	return (ntohs(sin.sin_port));
}

/* web [-l address:port] */
int
exoctl_web(struct exo *e, int argc, char **argv)
{
	struct web			 w;
	struct evhttp			*http;
	struct evhttp_bound_socket	*bs;
	struct event			*ev_int, *ev_term;
	char				 addr[64];
	unsigned			 port;
	const char			*listen = WEB_DEFAULT_ADDR;

	if (argc == 3 && strcmp(argv[1], "-l") == 0)
		listen = argv[2];
	else if (argc != 1)
		return (-1);
	if (web_parse_listen(listen, addr, sizeof addr, &port) == -1) {
		fprintf(stderr, "exoctl: web: -l %s: not an IPv4 address and "
		    "port\n", listen);
		return (1);
	}
	memset(&w, 0, sizeof w);
	w.e = e;
	signal(SIGPIPE, SIG_IGN);
	if ((w.base = event_base_new()) == NULL ||
	    (http = evhttp_new(w.base)) == NULL) {
		fprintf(stderr, "exoctl: web: cannot start libevent\n");
		return (1);
	}
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_max_headers_size(http, 8192);
	evhttp_set_max_body_size(http, 4096);	/* GET has none: 405 */
	evhttp_set_timeout(http, 10);
	evhttp_set_gencb(http, web_cb, &w);
	if ((bs = evhttp_bind_socket_with_handle(http, addr,
	    (uint16_t)port)) == NULL) {
		fprintf(stderr, "exoctl: web: cannot listen on %s:%u\n", addr,
		    port);
		evhttp_free(http);
		event_base_free(w.base);
		return (1);
	}
	ev_int = evsignal_new(w.base, SIGINT, web_signal_cb, w.base);
	ev_term = evsignal_new(w.base, SIGTERM, web_signal_cb, w.base);
	if (ev_int != NULL)
		event_add(ev_int, NULL);
	if (ev_term != NULL)
		event_add(ev_term, NULL);
	printf("exoctl: web: serving http://%s:%u/\n", addr,
	    web_bound_port(bs));
	fflush(stdout);
	event_base_dispatch(w.base);
	if (ev_int != NULL)
		event_free(ev_int);
	if (ev_term != NULL)
		event_free(ev_term);
	evhttp_free(http);
	event_base_free(w.base);
	if (w.broken) {
		fprintf(stderr, "exoctl: web: exod went away\n");
		return (1);
	}
	return (0);
}
