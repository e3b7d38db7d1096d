%include "cycle"
-- want^ "include cycle: cycle -> cycle2 -> cycle"
