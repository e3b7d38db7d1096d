package cli_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redislua/redislua/redistest"
)

// TestServeBoundsClients is issue 28's F4 through the command: conformance
// serve given 2,000 URLs of one server (it opened one client per distinct
// string and never closed them: 2,009 file descriptors, 2,001 server
// connections) holds at most 16 server connections and a bounded number
// of file descriptors while it serves, and none once its input ends.
func TestServeBoundsClients(t *testing.T) {
	srv := redistest.Real(t)
	admin := srv.Client(t)
	host, port, _ := strings.Cut(srv.Addr, ":")
	var urls []string
	for i := range 1000 { // one URL spelt 1,000 ways: one client
		scheme := []byte("redis")
		for j := range scheme {
			if i>>j&1 == 1 {
				scheme[j] -= 'a' - 'A'
			}
		}
		urls = append(urls, fmt.Sprintf("%s://%s:%s%s/%s", scheme, host, strings.Repeat("0", i>>5&3), port, strings.Repeat("0", 1+i>>7)))
	}
	for i := range 1000 { // 1,000 client names: 1,000 clients, 16 at a time
		urls = append(urls, fmt.Sprintf("redis://%s/0?client_name=c%d", srv.Addr, i))
	}
	cmd := exec.Command(binary, "conformance", "serve")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	go func() {
		w := bufio.NewWriter(in)
		for i, u := range urls {
			line, _ := json.Marshal(map[string]any{"id": i + 1, "op": "run", "files": map[string]string{"main.lua": "return 1"}, "name": "main", "redis": u})
			w.Write(append(line, '\n'))
		}
		w.Flush() // stdin stays open: the command is still serving when counted
	}()
	sc := bufio.NewScanner(out)
	for i := 1; i <= len(urls); i++ {
		if !sc.Scan() {
			t.Fatalf("serve ended after %d responses: %v", i-1, sc.Err())
		}
		if want := `{"id":` + strconv.Itoa(i) + `,"ok":true,"result":1}`; sc.Text() != want {
			t.Fatalf("response %s, want %s", sc.Text(), want)
		}
	}
	if n := serverConnections(t, admin, 16); n > 16 {
		t.Errorf("%d server connections while serving, want at most 16", n)
	}
	if fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", cmd.Process.Pid)); err == nil && len(fds) > 48 {
		t.Errorf("%d file descriptors open while serving, want at most 48", len(fds))
	}
	in.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve: %v", err)
	}
	if n := serverConnections(t, admin, 0); n != 0 {
		t.Errorf("%d server connections after serve ended", n)
	}
}

// serverConnections counts the server's client connections but the
// caller's, waiting up to five seconds for the count to fall to want.
func serverConnections(t *testing.T, c *redis.Client, want int) int {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		list, err := c.ClientList(context.Background()).Result()
		if err != nil {
			t.Fatal(err)
		}
		n := strings.Count(strings.TrimSpace(list), "\n")
		if n <= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
}
