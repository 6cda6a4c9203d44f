;;; keraslens.el --- keraslens language server for Emacs via eglot  -*- lexical-binding: t; -*-

;; Emacs 29+ has eglot built in; on Emacs 28 install it (M-x package-install RET eglot, or
;; Debian's elpa-eglot).  Usage, in init.el:
;;   (load "/path/to/editors/emacs/keraslens.el")
;;   (add-hook 'python-mode-hook #'eglot-ensure)      ; and python-ts-mode-hook on Emacs 29+
;; eglot runs one server per major mode, so this replaces pyright/pylsp for Python buffers.

;;; Code:

(require 'eglot)

(defgroup keraslens nil
  "keraslens: Keras parameter counts and weight-tracking diagnostics."
  :group 'tools)

(defcustom keraslens-server-command '("keraslens" "serve")
  "Command line that starts the keraslens language server (stdio)."
  :type '(repeat string))

(defun keraslens--contact (&optional _interactive)
  "The server command, read when eglot starts (so customizing it later works)."
  keraslens-server-command)

(add-to-list 'eglot-server-programs
             '((python-mode python-ts-mode) . keraslens--contact))

(provide 'keraslens)
;;; keraslens.el ends here
