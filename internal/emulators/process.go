package emulators

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// process is one emulator child process, in its own process group.
type process struct {
	name string
	cmd  *exec.Cmd
	tail *tailBuffer
	out  *lineWriter

	done    chan struct{} // closed once cmd.Wait has returned
	waitErr error         // cmd.Wait's result, valid after done
	failed  chan struct{} // closed when the output shows start-up failed
}

// logMu serialises writes to Options.Log from the emulators' output copiers,
// so a shared writer such as a bytes.Buffer or a test log is safe to use.
var logMu sync.Mutex

// startProcess starts cmd with its output copied, line by line and prefixed
// with the emulator's name, to log, and kept in a short tail for errors.
// A line starting with fatalPrefix (if not empty) marks the start as failed
// even though the process lives on, as DynamoDB Local does when it cannot
// bind its port.
func startProcess(name string, cmd *exec.Cmd, fatalPrefix string, log io.Writer) (*process, error) {
	p := &process{
		name:   name,
		cmd:    cmd,
		tail:   &tailBuffer{max: 4 << 10},
		done:   make(chan struct{}),
		failed: make(chan struct{}),
	}
	p.out = &lineWriter{prefix: "[" + name + "] ", dst: log, tail: p.tail}
	if fatalPrefix != "" {
		var once sync.Once
		p.out.watch = func(line []byte) {
			if bytes.HasPrefix(line, []byte(fatalPrefix)) {
				once.Do(func() { close(p.failed) })
			}
		}
	}
	cmd.Stdout = p.out
	cmd.Stderr = p.out
	cmd.SysProcAttr = sysProcAttr()
	// A grandchild that kept the output pipe open must not block Wait forever.
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return nil, fmt.Errorf("emulators: start %s: %s is not on PATH (needed by %s): %w", name, cmd.Path, name, err)
		}
		return nil, fmt.Errorf("emulators: start %s: %w", name, err)
	}
	go func() {
		p.waitErr = cmd.Wait()
		p.out.flush()
		close(p.done)
	}()
	return p, nil
}

// waitReady polls ping until it succeeds, the process exits or reports a
// failed start, or ctx ends. A ping in flight is cancelled at once by
// either, so a port held by something that never answers costs no time.
func (p *process) waitReady(ctx context.Context, ping func(context.Context) error) error {
	start := time.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-p.done:
		case <-p.failed:
		case <-ctx.Done():
		}
		cancel()
	}()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		attempt, cancelAttempt := context.WithTimeout(ctx, 2*time.Second)
		last := ping(attempt)
		cancelAttempt()
		if last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			// ctx is also cancelled when the process exits or fails, so
			// check those first: they explain the failure better.
			if err := p.startFailure(); err != nil {
				return err
			}
			return fmt.Errorf("emulators: %s not ready after %s: %w (last try: %v); log tail:\n%s",
				p.name, time.Since(start).Round(time.Millisecond), context.Cause(ctx), last, p.tail)
		case <-tick.C:
		}
	}
}

// startFailure reports an exit or a fatal line in the output, if either has
// happened.
func (p *process) startFailure() error {
	select {
	case <-p.done:
		return fmt.Errorf("emulators: %s exited before it was ready (%v); log tail:\n%s", p.name, p.waitErr, p.tail)
	default:
	}
	select {
	case <-p.failed:
		// Let the rest of the report (a stack trace) reach the tail.
		time.Sleep(200 * time.Millisecond)
		return fmt.Errorf("emulators: %s failed to start; log tail:\n%s", p.name, p.tail)
	default:
	}
	return nil
}

// stop terminates the process group: SIGTERM, then SIGKILL after grace. It
// returns once the process has been reaped. A process that had already died
// on its own is reported, since that means the emulator crashed under a test.
func (p *process) stop(grace time.Duration) error {
	select {
	case <-p.done:
		killGroup(p.cmd.Process) // stragglers in the group, if any
		if p.waitErr != nil {
			return fmt.Errorf("emulators: %s had exited on its own: %w; log tail:\n%s", p.name, p.waitErr, p.tail)
		}
		return nil
	default:
	}
	if err := terminateGroup(p.cmd.Process); err != nil {
		return fmt.Errorf("emulators: stop %s: %w", p.name, err)
	}
	timer := time.NewTimer(grace)
	defer timer.Stop()
	select {
	case <-p.done:
	case <-timer.C:
		fmt.Fprintf(p.out, "still running %s after SIGTERM; sending SIGKILL\n", grace)
	}
	// Also reaches children that outlived the group leader.
	killGroup(p.cmd.Process)
	<-p.done
	return nil
}

// tailBuffer keeps the last max bytes written to it, for error messages.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(b), nil
}

// String returns the kept output, starting at a line boundary when it was cut.
func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := string(t.buf)
	if len(t.buf) == t.max {
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			s = s[i+1:]
		}
	}
	if strings.TrimSpace(s) == "" {
		return "  (no output)"
	}
	return s
}

// lineWriter copies an emulator's output to dst one whole line at a time,
// each prefixed with the emulator's name, and everything to tail; watch, if
// set, sees every line. Errors from dst are ignored: a closed log must not
// stall the emulator.
type lineWriter struct {
	prefix string
	dst    io.Writer
	tail   *tailBuffer
	watch  func(line []byte)

	mu      sync.Mutex
	partial []byte
}

func (w *lineWriter) Write(b []byte) (int, error) {
	_, _ = w.tail.Write(b)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.partial = append(w.partial, b...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		w.emit(w.partial[:i+1])
		w.partial = w.partial[i+1:]
	}
	return len(b), nil
}

// flush writes a last line that had no newline.
func (w *lineWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.partial) > 0 {
		w.emit(append(w.partial, '\n'))
		w.partial = nil
	}
}

func (w *lineWriter) emit(line []byte) {
	if w.watch != nil {
		w.watch(line)
	}
	if w.dst == io.Discard {
		return
	}
	logMu.Lock()
	defer logMu.Unlock()
	_, _ = io.WriteString(w.dst, w.prefix)
	_, _ = w.dst.Write(line)
}
