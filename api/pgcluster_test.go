package api_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// pgCluster is a private PostgreSQL cluster that a test owns and may stop, kill and restart
// without disturbing the shared server the rest of the suite uses.
type pgCluster struct {
	t       *testing.T
	bin     string // directory of pg_ctl, initdb and postgres
	dir     string // holds data/, sock/ and log
	port    int
	cred    *syscall.Credential // the postgres OS user, when the test runs as root
	logPath string
}

// pgBinDir finds the PostgreSQL server binaries: PG_BIN, then PATH, then the usual Debian,
// RPM and Homebrew places (newest version first). It returns "" when there are none.
func pgBinDir() string {
	ok := func(d string) bool {
		for _, p := range []string{"pg_ctl", "initdb", "postgres"} {
			if fi, err := os.Stat(filepath.Join(d, p)); err != nil || fi.IsDir() {
				return false
			}
		}
		return true
	}
	if d := os.Getenv("PG_BIN"); d != "" && ok(d) {
		return d
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil && ok(filepath.Dir(real)) {
			return filepath.Dir(real)
		}
	}
	var dirs []string
	for _, pattern := range []string{"/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin",
		"/opt/homebrew/opt/postgresql*/bin", "/usr/local/opt/postgresql*/bin"} {
		m, _ := filepath.Glob(pattern)
		dirs = append(dirs, m...)
	}
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if ok(d) {
			return d
		}
	}
	return ""
}

// versionOf reads the major version out of a path such as /usr/lib/postgresql/15/bin.
func versionOf(dir string) int {
	for _, part := range strings.FieldsFunc(dir, func(r rune) bool { return r < '0' || r > '9' }) {
		if n, err := strconv.Atoi(part); err == nil {
			return n
		}
	}
	return 0
}

// freePort asks the kernel for a free loopback port. Another process could take it before the
// cluster binds it; start fails loudly then, which is good enough for a test.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("pick a port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startCluster initialises and starts a private cluster on a free loopback port with its socket
// in a private directory. It fails the test (never skips) when PostgreSQL is not installed. The
// cluster is stopped with -m immediate and its files removed when the test ends.
func startCluster(t *testing.T) *pgCluster {
	t.Helper()
	bin := pgBinDir()
	if bin == "" {
		t.Fatal("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found: install PostgreSQL or set PG_BIN")
	}
	dir, err := os.MkdirTemp("", "dc-pgcluster-")
	if err != nil {
		t.Fatal(err)
	}
	c := &pgCluster{t: t, bin: bin, dir: dir, port: freePort(t), logPath: filepath.Join(dir, "log")}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 { // PostgreSQL refuses to run as root
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root, and there is no postgres OS user to run the cluster as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	for _, sub := range []string{"data", "sock"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if c.cred != nil {
		for _, p := range []string{dir, filepath.Join(dir, "data"), filepath.Join(dir, "sock")} {
			if err := os.Chown(p, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
				t.Fatal(err)
			}
		}
	}
	c.run(60*time.Second, "initdb", "-D", c.dataDir(), "-U", "postgres", "--auth=trust",
		"--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions")
	// Both cleanups run after the test's own (LIFO), so the API and pools are gone first.
	t.Cleanup(func() {
		if out, err := c.ctl(30*time.Second, "stop", "-m", "immediate"); err != nil && !strings.Contains(out, "Is server running?") {
			t.Logf("pg_ctl stop: %v: %s", err, out)
		}
	})
	c.Start()
	return c
}

func (c *pgCluster) dataDir() string { return filepath.Join(c.dir, "data") }

// URL is the URL of database name on the cluster.
func (c *pgCluster) URL(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, name)
}

// serverOptions are passed to postgres by pg_ctl -o: TCP on loopback only, the socket in the
// cluster's own directory, and nothing written to the shared server's places.
func (c *pgCluster) serverOptions() string {
	// pg_ctl hands this to /bin/sh: no quotes, spaces or shell metacharacters in the values.
	return fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=50 -c shared_buffers=16MB -c log_line_prefix=%%m::",
		c.port, filepath.Join(c.dir, "sock"))
}

// ReadyAt returns when the server last logged that it accepts connections: pg_ctl -w notices
// that only at its next poll, up to 100 ms later.
func (c *pgCluster) ReadyAt() time.Time {
	c.t.Helper()
	b, _ := os.ReadFile(c.logPath)
	var at time.Time
	for _, line := range strings.Split(string(b), "\n") {
		stamp, msg, ok := strings.Cut(line, "::")
		if ok && strings.Contains(msg, "database system is ready to accept connections") {
			if ts, err := time.Parse("2006-01-02 15:04:05.000 MST", stamp); err == nil {
				at = ts
			}
		}
	}
	if at.IsZero() {
		c.t.Fatalf("no 'ready to accept connections' in the server log:\n%s", c.logTail())
	}
	return at
}

// Start starts the cluster and waits until it accepts connections.
func (c *pgCluster) Start() { c.mustCtl("start", "-o", c.serverOptions()) }

// Stop stops the cluster in the given shutdown mode (smart, fast or immediate) and waits.
func (c *pgCluster) Stop(mode string) { c.mustCtl("stop", "-m", mode) }

// Restart restarts the cluster in the given shutdown mode and waits until it is back.
func (c *pgCluster) Restart(mode string) { c.mustCtl("restart", "-m", mode, "-o", c.serverOptions()) }

func (c *pgCluster) mustCtl(args ...string) {
	c.t.Helper()
	if out, err := c.ctl(60*time.Second, args...); err != nil {
		c.t.Fatalf("pg_ctl %s: %v\n%s\nserver log:\n%s", strings.Join(args, " "), err, out, c.logTail())
	}
}

// ctl runs pg_ctl on the cluster with -w, the server's output going to the log file (so that the
// server does not hold our pipes open).
func (c *pgCluster) ctl(timeout time.Duration, args ...string) (string, error) {
	full := append([]string{args[0], "-D", c.dataDir(), "-l", c.logPath, "-w", "-t", "60"}, args[1:]...)
	return c.exec(timeout, "pg_ctl", full...)
}

func (c *pgCluster) run(timeout time.Duration, prog string, args ...string) {
	c.t.Helper()
	if out, err := c.exec(timeout, prog, args...); err != nil {
		c.t.Fatalf("%s: %v\n%s", prog, err, out)
	}
}

func (c *pgCluster) exec(timeout time.Duration, prog string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, prog), args...)
	cmd.Dir = c.dir
	cmd.Env = []string{"PATH=" + c.bin + ":/usr/bin:/bin", "LC_ALL=C", "HOME=" + c.dir, "TZ=UTC"}
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	// A server that inherited our pipes must not keep Wait (and the test) waiting.
	cmd.WaitDelay = 2 * time.Second
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		err = fmt.Errorf("%s timed out after %s: %w", prog, timeout, err)
	}
	return string(out), err
}

// logTail is the end of the server's log, for failure messages.
func (c *pgCluster) logTail() string {
	b, _ := os.ReadFile(c.logPath)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// Freeze stops (SIGSTOP) the postmaster and then every process it started: the server keeps
// its connections open and answers nothing, as a hung host or a network partition does. The
// cluster is thawed when the test ends if the test does not do it.
func (c *pgCluster) Freeze() {
	c.t.Helper()
	pm := c.postmasterPID()
	c.signal(syscall.SIGSTOP, []int{pm}) // first, so that it forks nothing meanwhile
	c.signal(syscall.SIGSTOP, childrenOf(pm))
	c.t.Cleanup(c.Thaw) // a no-op when already thawed; runs before the cleanup that stops it
}

// Thaw continues (SIGCONT) the processes Freeze stopped.
func (c *pgCluster) Thaw() {
	pm := c.postmasterPID()
	c.signal(syscall.SIGCONT, childrenOf(pm))
	c.signal(syscall.SIGCONT, []int{pm})
}

func (c *pgCluster) signal(sig syscall.Signal, pids []int) {
	for _, pid := range pids {
		if err := syscall.Kill(pid, sig); err != nil && err != syscall.ESRCH {
			c.t.Errorf("kill -%d %d: %v", sig, pid, err)
		}
	}
}

func (c *pgCluster) postmasterPID() int {
	b, err := os.ReadFile(filepath.Join(c.dataDir(), "postmaster.pid"))
	if err == nil {
		line, _, _ := strings.Cut(string(b), "\n")
		if pid, err := strconv.Atoi(line); err == nil {
			return pid
		}
	}
	c.t.Fatalf("no postmaster.pid in %s: %v", c.dataDir(), err)
	return 0
}

// childrenOf lists the processes whose parent is pid, from /proc.
func childrenOf(pid int) []int {
	var kids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
		i := strings.LastIndexByte(string(stat), ')')
		if fields := strings.Fields(string(stat[i+1:])); len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			kids = append(kids, child)
		}
	}
	return kids
}
