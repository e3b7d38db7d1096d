-- Adds points to a player on a leaderboard, never beyond a maximum, and
-- returns the player's new score.
%include "lib/util"
%key board_key
%arg player string
%arg points integer
%arg max_score integer
%return integer

local score = tonumber(redis.call('ZSCORE', board_key, player)) or 0
score = clamp(score + points, 0, max_score)
redis.call('ZADD', board_key, score, player)
return score
