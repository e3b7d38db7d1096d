package engine

import "testing"

func TestSlot(t *testing.T) {
	tests := []struct {
		key  string
		want int
	}{
		{"123456789", 12739}, // the check value of the Redis Cluster specification (0x31C3)
		{"", 0},
		{"foo", 12182},
		{"bar", 5061},
		{"{user1000}.following", Slot("user1000")},
		{"{user1000}.followers", Slot("user1000")},
		{"foo{}{bar}", Slot("foo{}{bar}")}, // empty first tag: the whole key
		{"foo{{bar}}zap", Slot("{bar")},    // the tag is "{bar"
		{"foo{bar}{zap}", Slot("bar")},     // only the first tag counts
		{"{}", Slot("{}")},
	}
	for _, tt := range tests {
		if got := Slot(tt.key); got != tt.want {
			t.Errorf("Slot(%q) = %d, want %d", tt.key, got, tt.want)
		}
	}
	if crc16("123456789") != 0x31C3 {
		t.Errorf("crc16 check value = %#x, want 0x31c3", crc16("123456789"))
	}
	if Slot("{user1000}.following") != Slot("{user1000}.followers") || Slot("a") == Slot("b") {
		t.Error("hash tags do not group keys")
	}
	if Slot("foo{}{bar}") == Slot("bar") {
		t.Error("an empty tag must not be skipped to the next one")
	}
}
