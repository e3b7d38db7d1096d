package engine_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/redislua/redislua/engine"
	"github.com/redislua/redislua/redistest"
)

// TestLibrary: scripts as one function library on a real redis-server:
// each runs through FCALL (FCALL_RO for no-writes) with the result of
// EVALSHA, and an error's "@user_function:N" maps back to the script's
// rendered line.
func TestLibrary(t *testing.T) {
	srv := redistest.Real(t)
	rdb := srv.Client(t)
	ctx := context.Background()
	add := parse(t, "jobs/add", "%key k\n%arg n integer\n%return integer\nreturn redis.call('INCRBY', k, n)")
	read := parse(t, "jobs/read-it", "#!lua flags=no-writes\n%key k\n%return string\nreturn redis.call('GET', k)")
	boom := parse(t, "boom", "local a = 1\nlocal b = 2\nerror('boom')")
	lib, err := engine.NewLibrary("app", add, read, boom)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^app_[0-9a-f]{8}$`).MatchString(lib.Name) || lib.Functions["jobs/read-it"] != lib.Name+"__jobs_read_it" {
		t.Fatalf("names: %s %v", lib.Name, lib.Functions)
	}
	again, _ := engine.NewLibrary("app", read, boom, add)
	if again.Code != lib.Code {
		t.Error("the library depends on the order of its scripts")
	}
	if err := rdb.FunctionLoad(ctx, lib.Code).Err(); err != nil {
		t.Fatalf("FUNCTION LOAD: %v\n%s", err, lib.Code)
	}
	if n, err := rdb.FCall(ctx, lib.Functions["jobs/add"], []string{"c"}, 5).Int64(); err != nil || n != 5 {
		t.Errorf("FCALL add = %d, %v", n, err)
	}
	if v, err := rdb.FCallRO(ctx, lib.Functions["jobs/read-it"], []string{"c"}).Text(); err != nil || v != "5" {
		t.Errorf("FCALL_RO read = %q, %v", v, err)
	}
	err = rdb.FCall(ctx, lib.Functions["boom"], nil).Err()
	m := regexp.MustCompile(`@user_function:(\d+)`).FindStringSubmatch(err.Error())
	if m == nil {
		t.Fatalf("error %v names no line", err)
	}
	n, _ := strconv.Atoi(m[1])
	s, line, ok := lib.Where(lib.Functions["boom"], n)
	if !ok || s.Name() != "boom" || line != 3 || !strings.Contains(err.Error(), "boom") {
		t.Errorf("Where(%d) = %v, %d, %v for %v", n, s, line, ok, err)
	}
	if _, err := engine.NewLibrary("app", parse(t, "a-b", "return 1"), parse(t, "a_b", "return 2")); err == nil || !strings.Contains(err.Error(), "a-b and a_b are both the function a_b") {
		t.Errorf("a collision: %v", err)
	}
}
