@echo off
rem chulgo setup script - double-click: installs uv if missing (uv installs Python itself), then the
rem dependencies (uv sync), then offers to register the daily schedule in Windows Task Scheduler.
rem Saved as UTF-8 without BOM, CRLF line ends; "chcp 65001" makes the Korean lines below show right
rem (the lines before it are ASCII).
chcp 65001 >nul
setlocal
cd /d "%~dp0"
title chulgo 설치

echo ==================================================
echo   chulgo(출고) 설치
echo ==================================================
echo.

where uv >nul 2>nul
if not errorlevel 1 goto have_uv
if exist "%USERPROFILE%\.local\bin\uv.exe" goto add_path
echo [1/3] uv(파이썬 실행 도구)를 설치합니다. 인터넷 연결이 필요합니다...
powershell -NoProfile -ExecutionPolicy ByPass -c "irm https://astral.sh/uv/install.ps1 | iex"
if errorlevel 1 goto uv_failed
:add_path
rem The installer adds its folder to PATH for new windows only; this window needs it now.
set "PATH=%USERPROFILE%\.local\bin;%PATH%"
where uv >nul 2>nul
if errorlevel 1 goto uv_failed
:have_uv
echo [1/3] uv 준비됨.
echo.
echo [2/3] 필요한 부품을 설치합니다. 처음에는 몇 분 걸릴 수 있습니다...
uv sync
if errorlevel 1 goto sync_failed
echo [2/3] 부품 준비됨.
echo.
echo [3/3] 매일 정해진 시각(settings.toml 의 [schedule])에 자동으로 실행되도록
echo       Windows 작업 스케줄러에 등록할까요?
choice /C YN /M "등록하려면 Y, 건너뛰려면 N 을 누르세요"
if errorlevel 2 goto skip_schedule
uv run run.py schedule install
if errorlevel 1 goto schedule_failed
echo.
echo 설치와 등록이 끝났습니다. 시각을 바꾸려면 settings.toml 을 고친 뒤 설치.bat 을 다시 실행하세요.
goto end

:skip_schedule
echo.
echo 설치가 끝났습니다. 자동 실행은 등록하지 않았습니다 (나중에 설치.bat 을 다시 실행하면 됩니다).
echo 오늘 일을 하려면 chulgo.bat 을 두 번 누르세요.
goto end

:uv_failed
echo.
echo uv를 설치하지 못했습니다. 인터넷 연결을 확인하고 설치.bat 을 다시 실행하세요.
echo 계속 안 되면 https://docs.astral.sh/uv/ 의 설치 방법을 따라 uv를 설치하세요.
goto end_failed

:sync_failed
echo.
echo 부품을 설치하지 못했습니다. 인터넷 연결을 확인하고 설치.bat 을 다시 실행하세요.
goto end_failed

:schedule_failed
echo.
echo 작업 스케줄러에 등록하지 못했습니다. 위의 '오류' 줄을 확인하세요.
goto end_failed

:end
echo.
pause
exit /b 0

:end_failed
echo.
pause
exit /b 1
