;;; emacs_e2e.el --- Emacs/Eglot end-to-end script for test_emacs_e2e.py  -*- lexical-binding: t; -*-

;; Run as: emacs --batch -L <editors/emacs> -l emacs_e2e.el
;; Inputs (environment): DOCKERLS_E2E_FILE, DOCKERLS_E2E_OUT, DOCKERLS_E2E_CMD (JSON array).
;; Each capability is recorded under its own key (with "error" when the step failed), so
;; pytest judges each separately.  Every wait is bounded.  In batch mode idle timers never
;; fire, so Flymake is started and didChange is signalled by hand.

(require 'cl-lib)
(require 'subr-x)
(require 'json)
(require 'flymake)

;; Prefer the real dockerfile-mode (Debian elpa-dockerfile-mode / MELPA).  Without it, a
;; minimal stand-in keeps the test about Eglot + dockerls rather than about font-lock.
(unless (require 'dockerfile-mode nil t)
  (define-derived-mode dockerfile-mode prog-mode "Dockerfile"
    "Minimal stand-in for dockerfile-mode (the package is not installed)."
    (setq-local comment-start "# "))
  (add-to-list 'auto-mode-alist '("/Dockerfile\\(?:\\.[^/\\]*\\)?\\'" . dockerfile-mode)))

(require 'dockerls)

(defvar e2e-result (make-hash-table :test #'equal))
(defvar e2e-wait-seconds (string-to-number (or (getenv "DOCKERLS_E2E_WAIT_S") "20")))
(defvar e2e-server nil)
(defvar e2e-buffer nil)

(defun e2e-json (value)
  "Lisp VALUE as something `json-serialize' accepts (nil becomes :null)."
  (cond ((null value) :null)
        ((eq value t) t)
        ((hash-table-p value) value)
        ((vectorp value) (vconcat (mapcar #'e2e-json value)))
        ((and (consp value) (keywordp (car value)))   ; plist from jsonrpc
         (let ((h (make-hash-table :test #'equal)))
           (cl-loop for (k v) on value by #'cddr
                    do (puthash (substring (symbol-name k) 1) (e2e-json v) h))
           h))
        ((consp value) (vconcat (mapcar #'e2e-json value)))
        ((symbolp value) (symbol-name value))
        (t value)))

(defun e2e-wait (pred)
  "Wait up to `e2e-wait-seconds' for PRED, pumping process output; return its value."
  (let ((deadline (+ (float-time) e2e-wait-seconds)) (val nil))
    (while (and (not (setq val (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    val))

(defmacro e2e-step (name &rest body)
  "Run BODY with `r' bound to the step's result table; record errors instead of aborting."
  (declare (indent 1))
  `(let ((r (make-hash-table :test #'equal)))
     (puthash ,name r e2e-result)
     (condition-case err
         (progn ,@body)
       (error (puthash "error" (format "%S" err) r)))))

(defun e2e-flymake-diags (&optional buffer)
  "Current Flymake diagnostics of BUFFER (the Dockerfile's by default), collected now."
  (with-current-buffer (or buffer e2e-buffer)
    (flymake-start)
    (accept-process-output nil 0.01)
    (mapcar (lambda (d)
              (let* ((beg (flymake-diagnostic-beg d))
                     (data (flymake-diagnostic-data d))
                     (lsp (and (listp data) (alist-get 'eglot-lsp-diag data))))
                `(:line ,(1- (line-number-at-pos beg))
                  :type ,(flymake-diagnostic-type d)
                  :text ,(flymake-diagnostic-text d)
                  :source ,(plist-get lsp :source)
                  :code ,(let ((c (plist-get lsp :code))) (and c (format "%s" c))))))
            (flymake-diagnostics))))

(defconst e2e-providers
  '((:textDocument/hover . :hoverProvider)
    (:textDocument/completion . :completionProvider)))

(defun e2e-request (method params)
  (let ((provider (alist-get method e2e-providers)))
    (when (and provider (not (eglot--server-capable provider)))
      (error "server does not support %s" method)))
  (if (fboundp 'eglot--request)
      (eglot--request e2e-server method params)
    (jsonrpc-request e2e-server method params)))

(defun e2e-position-params (line character)
  (list :textDocument (eglot--TextDocumentIdentifier)
        :position (list :line line :character character)))

(defun e2e-hover-text (contents)
  "Flatten LSP hover CONTENTS (MarkupContent, MarkedString or a vector of them) to text."
  (cond ((stringp contents) contents)
        ((vectorp contents) (mapconcat #'e2e-hover-text contents "\n"))
        ((plist-get contents :value) (plist-get contents :value))
        (t "")))

(e2e-step "attach"
  (let ((cmd (json-parse-string (getenv "DOCKERLS_E2E_CMD") :array-type 'list)))
    (setq dockerls-server-command cmd)
    (setq e2e-buffer (find-file-noselect (getenv "DOCKERLS_E2E_FILE")))
    (with-current-buffer e2e-buffer
      (puthash "major_mode" (symbol-name major-mode) r)
      (puthash "dockerfile_mode_library"
               (or (and (fboundp 'dockerfile-mode) (symbol-file 'dockerfile-mode)) :null) r)
      (let ((contact (eglot--guess-contact)))
        (puthash "language_id" (nth 4 contact) r)
        (condition-case err
            (apply #'eglot contact)
          (error (puthash "start_error" (format "%S" err) r))))
      (setq e2e-server
            (e2e-wait (lambda () (and (bound-and-true-p eglot--managed-mode)
                                      (eglot-current-server)))))
      (puthash "attached" (if e2e-server t :false) r)
      (unless e2e-server                ; say why: the server's stderr and Eglot's events
        (puthash "eglot_buffers"
                 (mapconcat (lambda (b)
                              (with-current-buffer b
                                (format "--- %s\n%s" (buffer-name)
                                        (buffer-substring-no-properties
                                         (max (point-min) (- (point-max) 3000)) (point-max)))))
                            (cl-remove-if-not (lambda (b) (string-match-p "EGLOT" (buffer-name b)))
                                              (buffer-list))
                            "\n")
                 r))
      (when e2e-server
        (puthash "server_info" (e2e-json (eglot--server-info e2e-server)) r)
        (puthash "command" (e2e-json (process-command (jsonrpc--process e2e-server))) r)
        (puthash "initialization_options"
                 (e2e-json (eglot-initialization-options e2e-server)) r)))))

(defun e2e-ready () (and e2e-server e2e-buffer))

(e2e-step "diagnostics"
  (cl-assert (e2e-ready) nil "no server")
  (puthash "arrived" (if (e2e-wait (lambda () (e2e-flymake-diags))) t :false) r)
  (puthash "items" (e2e-json (e2e-flymake-diags)) r))

(e2e-step "hover"
  (cl-assert (e2e-ready) nil "no server")
  (with-current-buffer e2e-buffer
    (let ((result (e2e-request :textDocument/hover (e2e-position-params 0 1))))
      (puthash "text" (if result (e2e-hover-text (plist-get result :contents)) :null) r))))

(e2e-step "completion"
  (cl-assert (e2e-ready) nil "no server")
  (with-current-buffer e2e-buffer
    (let* ((last (1- (line-number-at-pos (point-max))))
           (result (e2e-request :textDocument/completion (e2e-position-params last 0)))
           (items (if (vectorp result) result (plist-get result :items))))
      (puthash "line" last r)
      (puthash "labels" (vconcat (mapcar (lambda (i) (plist-get i :label)) items)) r))))

(e2e-step "formatting"
  (cl-assert (e2e-ready) nil "no server")
  (with-current-buffer e2e-buffer
    (puthash "before" (buffer-string) r)
    (eglot-format-buffer)
    (eglot--signal-textDocument/didChange)
    (puthash "after" (buffer-string) r)))

(e2e-step "edit"
  (cl-assert (e2e-ready) nil "no server")
  (with-current-buffer e2e-buffer
    ;; A brand-new last line: any diagnostic on it comes from a fresh lint.
    (goto-char (point-max))
    (unless (bolp) (insert "\n"))
    (let ((line (1- (line-number-at-pos (point)))))
      (insert "FROM debian\n")
      (eglot--signal-textDocument/didChange)
      (puthash "line" line r)
      (let ((on-line (lambda () (cl-remove-if-not (lambda (d) (= (plist-get d :line) line))
                                                  (e2e-flymake-diags)))))
        (puthash "appeared" (if (e2e-wait on-line) t :false) r)
        (puthash "new_line_diagnostics" (e2e-json (funcall on-line)) r)
        (goto-char (point-min))
        (forward-line line)
        (delete-region (point) (line-beginning-position 2))
        (eglot--signal-textDocument/didChange)
        (puthash "cleared"
                 (if (e2e-wait (lambda () (null (cl-remove-if-not
                                                 (lambda (d) (>= (plist-get d :line) line))
                                                 (e2e-flymake-diags)))))
                     t :false)
                 r)
        (puthash "final_text" (buffer-string) r)))))

(e2e-step "compose"
  ;; The Compose file beside the Dockerfile: the same server manages it, the typo'd target
  ;; gets a diagnostic, and the other service's target leads to the stage.
  (cl-assert (e2e-ready) nil "no server")
  (let ((buffer (find-file-noselect
                 (expand-file-name "compose.yaml"
                                   (file-name-directory (getenv "DOCKERLS_E2E_FILE"))))))
    (with-current-buffer buffer
      (puthash "major_mode" (symbol-name major-mode) r)
      (puthash "managed" (if (e2e-wait (lambda () (bound-and-true-p eglot--managed-mode))) t :false) r)
      (puthash "same_server" (if (eq (eglot-current-server) e2e-server) t :false) r)
      (let ((typo (lambda () (cl-remove-if-not
                              (lambda (d) (equal (plist-get d :code) "UnknownBuildTarget"))
                              (e2e-flymake-diags buffer)))))
        (puthash "arrived" (if (e2e-wait typo) t :false) r)
        (puthash "items" (e2e-json (e2e-flymake-diags buffer)) r))
      (let* ((line (string-to-number (getenv "DOCKERLS_E2E_TARGET_LINE")))
             (col (string-to-number (getenv "DOCKERLS_E2E_TARGET_COL")))
             (result (e2e-request :textDocument/definition (e2e-position-params line col)))
             (locs (if (and (listp result) (keywordp (car result))) (list result) result)))
        (puthash "locations"
                 (vconcat (mapcar (lambda (loc)
                                    (let ((start (plist-get (plist-get loc :range) :start)))
                                      (e2e-json (list :uri (plist-get loc :uri)
                                                      :line (plist-get start :line)
                                                      :character (plist-get start :character)))))
                                  locs))
                 r)
        (puthash "dockerfile_lines"
                 (vconcat (with-current-buffer e2e-buffer
                            (split-string (buffer-string) "\n")))
                 r)
        ;; hover on the same target: the stage it builds
        (let ((hover (e2e-request :textDocument/hover (e2e-position-params line col))))
          (puthash "hover"
                   (or (plist-get (plist-get hover :contents) :value) :null)
                   r))))))

(with-temp-file (getenv "DOCKERLS_E2E_OUT")
  (insert (json-serialize e2e-result)))
(when e2e-server
  (ignore-errors (eglot-shutdown e2e-server)))
(kill-emacs 0)
;;; emacs_e2e.el ends here
