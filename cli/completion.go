package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"
)

// The shell scripts ask the command itself for completions, through
// urfave/cli's hidden --generate-bash-completion flag: commands, flags
// and, for the commands that take one, script names under --dir.
const (
	bashCompletion = `# redis-lua completion for bash: source it, or put it in
# /etc/bash_completion.d/redis-lua (redis-lua completion bash > ...).
_redis_lua() {
  local cur words
  cur="${COMP_WORDS[COMP_CWORD]}"
  words=("${COMP_WORDS[@]:1:COMP_CWORD-1}")
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" "${words[@]}" "$cur" --generate-bash-completion 2>/dev/null)" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" "${words[@]}" --generate-bash-completion 2>/dev/null)" -- "$cur"))
  fi
}
complete -o default -F _redis_lua redis-lua
`
	zshCompletion = `#compdef redis-lua
# redis-lua completion for zsh: redis-lua completion zsh > "${fpath[1]}/_redis-lua"
_redis_lua() {
  local -a opts
  local cur=${words[-1]}
  if [[ "$cur" == -* ]]; then
    opts=("${(@f)$(${words[1]} ${words[@]:1:$#words-2} $cur --generate-bash-completion 2>/dev/null)}")
  else
    opts=("${(@f)$(${words[1]} ${words[@]:1:$#words-2} --generate-bash-completion 2>/dev/null)}")
  fi
  [[ -n "${opts[1]}" ]] && _describe 'values' opts || _files
}
compdef _redis_lua redis-lua
`
)

func (e *env) completionCommand() *ucli.Command {
	script := func(text string) func(*ucli.Context) error {
		return func(*ucli.Context) error {
			fmt.Fprint(e.stdout, text)
			return nil
		}
	}
	return &ucli.Command{
		Name:  "completion",
		Usage: "print the shell completion script for bash, zsh or fish",
		Description: `Examples:
  source <(redis-lua completion bash)
  redis-lua completion zsh > "${fpath[1]}/_redis-lua"
  redis-lua completion fish > ~/.config/fish/completions/redis-lua.fish`,
		Action: func(c *ucli.Context) error {
			return usagef("completion needs a shell: bash, zsh or fish")
		},
		Subcommands: []*ucli.Command{
			{Name: "bash", Usage: "the bash completion script", Action: script(bashCompletion)},
			{Name: "zsh", Usage: "the zsh completion script", Action: script(zshCompletion)},
			{Name: "fish", Usage: "the fish completion script", Action: func(c *ucli.Context) error {
				text, err := c.App.ToFishCompletion()
				if err != nil {
					return failf("fish completion: %v", err)
				}
				fmt.Fprint(e.stdout, text)
				return nil
			}},
		},
	}
}

func (e *env) manCommand() *ucli.Command {
	return &ucli.Command{
		Name:        "man",
		Usage:       "print the manual page (roff)",
		Description: "Example:\n  redis-lua man > /usr/local/share/man/man1/redis-lua.1 && man redis-lua",
		Action: func(c *ucli.Context) error {
			text, err := c.App.ToManWithSection(1)
			if err != nil {
				return failf("man: %v", err)
			}
			fmt.Fprint(e.stdout, text)
			return nil
		},
	}
}
