// Command release checks and cuts releases of the redislua modules.
// It lives in a module that is never released.
//
//	release verify                 the static rules of a releasable tree
//	release sync                   go.mod requirements and go.work from versions.txt
//	release tidy [-check]          go mod tidy of every module, siblings from a file proxy
//	release proxy DIR              write the file-system module proxy of the tree
//	release check [-keep]          the release check (.ci/release-check)
//	release bump [-n] DIR VERSION  release one module (task release)
//
// Run it from the repository root: go run ./internal/release <command>.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	if err := cmd(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func cmd(args []string) error {
	if len(args) == 0 {
		return usage()
	}
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	repo, err := ReadRepo(root)
	if err != nil {
		return err
	}
	fl := flag.NewFlagSet(args[0], flag.ContinueOnError)
	check := fl.Bool("check", false, "tidy: report, do not write")
	keep := fl.Bool("keep", false, "check: keep the work directory")
	dry := fl.Bool("n", false, "bump: change files and show the changelog, but no commit or tag")
	if err := fl.Parse(args[1:]); err != nil {
		return err
	}
	rest := fl.Args()
	switch args[0] {
	case "verify":
		return repo.Verify()
	case "sync":
		return repo.Sync()
	case "tidy":
		return repo.Tidy(*check)
	case "proxy":
		if len(rest) != 1 {
			return usage()
		}
		return repo.BuildProxy(rest[0])
	case "check":
		return repo.Check(*keep)
	case "bump":
		if len(rest) != 2 {
			return usage()
		}
		return repo.Bump(rest[0], rest[1], *dry)
	}
	return usage()
}

func usage() error {
	return fmt.Errorf("usage: release verify | sync | tidy [-check] | proxy DIR | check [-keep] | bump [-n] DIR VERSION")
}
